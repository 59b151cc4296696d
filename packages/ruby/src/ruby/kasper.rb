# Kasper's side of the bridge between the JavaScript host and this Ruby VM.
#
# Every call from JavaScript enters through Kasper::Entry.run, which pulls its request (JSON) from
# the host and runs it in a fiber of its own. Its answer is JSON: {"ok": value}, {"err": {...}},
# or {"host": [op, args...]} when the call needs the host for something that may run Ruby again
# (a function call, a Puppet lambda): the fiber waits, JavaScript answers with Entry.resume, and
# the fiber goes on. So Ruby never runs nested inside a JavaScript call made from Ruby
# (JS -> Ruby -> JS -> Ruby): ruby.wasm cannot unwind such a nested Ruby (a raise, a `break` out
# of `find`, a throw) and aborts the VM, even when the nested Ruby rescues it. Host calls that
# never run Ruby (a variable, a type check, a log line) are plain synchronous calls. No Ruby
# exception ever leaves run or resume: errors travel as data.
#
# Ruby calls the host through Kasper.host(op, *args): the host answers JSON the same way; a host
# error comes back as a Kasper::HostError that remembers the JavaScript error object's id, so
# that when Ruby does not rescue it, the original JavaScript error is rethrown unchanged.
#
# Values cross as JSON text ("the wire"). Puppet's String, Integer, Float, Boolean, Array and
# string-keyed Hash are plain JSON (floats always carry a '.' or an exponent); everything else is
# an object tagged by the key "\u0000": h (a Hash with other keys, as [k, v, k, v...]), d
# (default), f (a float JSON cannot write), r (regexp), s (Sensitive), o (a host object: a type,
# a resource reference, a timestamp...). From Ruby to JavaScript every Hash is tagged, so that
# JavaScript keeps the order of keys such as "2" and "1".
require 'json'

# The js gem (Ruby's side of the bridge to JavaScript) is loaded here, so that a snapshot holds it
# parsed and compiled. Loading it makes four constants that hold JavaScript values (JS::Undefined,
# Null, True, False), which a snapshot cannot hold: they are made as nil here and set by
# Kasper.boot in each process. (js.so, its C half, makes no JavaScript value when it loads.)
require 'js.so'
JS.singleton_class.alias_method(:__kasper_js_eval, :eval)
JS.define_singleton_method(:eval) { |_code| nil }
begin
  require 'js'
ensure
  JS.singleton_class.alias_method(:eval, :__kasper_js_eval)
  JS.singleton_class.remove_method(:__kasper_js_eval)
end

module Kasper
  # What the host reaches a started or restored Ruby by, without parsing any Ruby: one is left
  # as Ruby's error info ($!) at the snapshot point, and the host reads it back (rb_errinfo).
  class Root < Exception # rubocop:disable Lint/InheritException
    def js_object = JS::Object
    def boot(bridge) = Kasper.boot(bridge)
  end

  TAG = "\u0000"
  BRIDGE = nil # replaced by install

  class HostError < StandardError
    attr_reader :host_id, :jump
    def initialize(message, host_id, jump = nil)
      super(message)
      @host_id = host_id
      @jump = jump
    end
  end

  # A `break` or `throw` in a block Ruby gave the host (call_function('each', l) { break }),
  # which the host runs as a call of its own: it ends that call, passes through the host as a
  # marker, and is done again by the Ruby call that gave the block (Kasper.call_host_function).
  # An Exception, not a StandardError: module code's `rescue => e` must not stop it.
  class Jump < Exception # rubocop:disable Lint/InheritException
    attr_reader :block_id, :kind, :value
    def initialize(block_id, kind, value)
      super("#{kind} out of a block")
      @block_id = block_id
      @kind = kind
      @value = value
    end
  end

  @depth = 0
  @handles = {}.compare_by_identity
  # Hashes and arrays the host keeps as one object (a variable's value; see Kept in wire.ts):
  # by id, with their text when the host last saw them, and those touched during this call.
  @kept = {}
  @kept_text = {}
  @touched = {}

  class << self
    attr_reader :handles

    def install(bridge)
      remove_const(:BRIDGE)
      const_set(:BRIDGE, bridge)
      $stdout = HostOutput.new('stdout')
      $stderr = HostOutput.new('stderr')
      STDOUT.sync = true
      STDERR.sync = true
      nil
    end

    # Everything a started (or restored) Ruby needs from this process, in one call: the bridge,
    # then what the bridge hands over first (ENV, the random seed, Puppet's settings). Returns
    # Entry. One call rather than an eval each: nothing here is parsed.
    def boot(bridge)
      { Undefined: 'return undefined', Null: 'return null', True: 'return true', False: 'return false' }.each do |name, code|
        JS.send(:remove_const, name)
        JS.const_set(name, JS.eval(code))
      end
      install(bridge)
      init = JSON.parse(bridge.call(:input).to_s)
      ENV.replace(init['env']) if init['env']
      Random.srand(Integer(init['seed'])) if init['seed']
      Puppet.configure(init['settings']) if init['settings']
      Entry
    end

    # Host operations that may run Ruby again before they answer: asked from the call's fiber.
    REENTRANT = %w[call_function block load_ruby_function].freeze

    # Calls the host; args are strings. Returns the decoded answer.
    def host(op, *args)
      op = op.to_s
      reply = if REENTRANT.include?(op) && Entry.in_call_fiber?
                Fiber.yield([:host, op, *args])
              else
                # Outside a call's own fiber (an Enumerator's, say) the host is called in place,
                # and Ruby the host runs meanwhile nests.
                BRIDGE.call(:host, op, *args).to_s
              end
      answer = JSON.parse(reply)
      if (err = answer['err'])
        error = HostError.new(err['message'], err['id'], err['jump'])
        if (klass = err['rubyClass'] && ruby_class(err['rubyClass']))
          # the Ruby error as itself; unrescued, the host's own error object goes on
          raise klass, err['message'], cause: error
        end
        raise error
      end
      Wire.revive(answer['ok'])
    end

    # Calls the host with strings and, last, one value (encoded on the wire).
    def host_value(op, *strings, value)
      host(op, *strings.map(&:to_s), Wire.dump(value))
    end

    # The exception class of that name, if it is one that takes a message.
    def ruby_class(name)
      klass = Object.const_get(name)
      klass.is_a?(Class) && klass <= StandardError ? klass : nil
    rescue NameError
      nil
    end

    def log(level, message)
      BRIDGE.call(:log, level.to_s, message.to_s)
      nil
    end

    def enter
      @depth += 1
      yield
    ensure
      @depth -= 1
      if @depth.zero?
        @handles.clear
        @jumps&.clear
        @touched.clear
      end
    end

    # A kept value from the host: the object Ruby already holds, or the one it sends.
    def kept_get(id, value, sent)
      if sent
        @kept[id] = value
        @kept_text[id] = fingerprint(value)
      end
      @touched[id] = true
      @kept.fetch(id) { raise ArgumentError, "Kasper lost the value #{id}" }
    end

    def kept_set(id, value)
      @kept[id] = value
      @kept_text[id] = fingerprint(value)
      @touched[id] = true
    end

    def kept_drop(ids)
      ids.each do |id|
        @kept.delete(id)
        @kept_text.delete(id)
      end
    end

    # The kept values changed since the host last saw them, as the wire's [id, value...] text.
    def kept_changes
      out = []
      @touched.each_key do |id|
        next unless @kept.key?(id)

        print = fingerprint(@kept[id])
        next if print == @kept_text[id]

        @kept_text[id] = print
        out << id.to_s << Wire.dump(@kept[id])
      end
      out.empty? ? nil : out.join(',')
    end

    # What a value holds, to tell later whether Ruby code changed it in place: Marshal's dump
    # (exact, hashes in their order, and written in C: a tenth of the wire's text's cost or
    # less in the WebAssembly Ruby, where that text is built in Ruby), or the wire's text for
    # what Marshal cannot dump (a Proc, an object with singleton methods...).
    def fingerprint(value)
      Marshal.dump(value)
    rescue TypeError
      Wire.dump(value)
    end
  end

  # $stdout and $stderr of module code go to the host (never into Kasper's own standard output).
  class HostOutput
    def initialize(stream)
      @stream = stream
    end

    def write(*parts)
      text = parts.join
      BRIDGE.call(:out, @stream, text) unless text.empty?
      text.bytesize
    end

    def <<(text)
      write(text.to_s)
      self
    end

    def print(*parts)
      write(*parts)
      nil
    end

    def puts(*lines)
      lines = [''] if lines.empty?
      write(lines.flatten.map { |l| s = l.to_s; s.end_with?("\n") ? s : "#{s}\n" }.join)
      nil
    end

    def printf(fmt, *args)
      write(format(fmt, *args))
      nil
    end

    def flush = self
    def sync = true
    def sync=(_v); end
    def tty? = false
    def isatty = false
    def fileno = nil
  end

  # A value the host owns (a type, a resource reference, a timestamp...): Ruby sees its Puppet
  # string form; giving it back hands the host its own object again.
  class HostObject
    attr_reader :kind, :text

    def to_kasper_wire = %({"\\u0000":"o","k":#{Wire.string(@kind)},"s":#{Wire.string(@text)}})
    def initialize(kind, text)
      @kind = kind
      @text = text
    end

    def to_s = @text
    def inspect = @text
    def ==(other) = other.is_a?(HostObject) && other.kind == @kind && other.text == @text
    alias eql? ==
    def hash = [@kind, @text].hash
  end

  module Wire
    module_function

    def parse(text, special)
      v = JSON.parse(text)
      special ? revive(v) : v
    end

    # Turns tagged JSON objects into Ruby values, in place where it can.
    def revive(o)
      case o
      when Array
        o.map! { |x| revive(x) }
      when Hash
        tag = o[TAG]
        return o.each { |k, v| o[k] = revive(v) if v.is_a?(Array) || v.is_a?(Hash) } if tag.nil?

        case tag
        when 'h'
          e = o['e']
          h = {}
          i = 0
          while i < e.size
            h[revive(e[i])] = revive(e[i + 1])
            i += 2
          end
          h
        when 'd' then :default
        when 'k' then Kasper.kept_get(o['id'], o.key?('v') ? revive(o['v']) : nil, o.key?('v'))
        when 'z' then deep_freeze(revive(o['v']))
        when 'f' then Float(o['v'] == 'NaN' ? 'NaN' : o['v']) rescue (o['v'] == 'NaN' ? Float::NAN : (o['v'].start_with?('-') ? -Float::INFINITY : Float::INFINITY))
        when 'r' then keep(Regexp.new(o['p']), o['id'])
        when 's' then keep(Puppet::Pops::Types::PSensitiveType::Sensitive.new(revive(o['v'])), o['id'])
        when 'o' then keep(Kasper.host_object(o), o['id'])
        else o
        end
      else
        o
      end
    end

    def deep_freeze(v)
      case v
      when Array then v.each { |x| deep_freeze(x) }
      when Hash then v.each { |k, x| deep_freeze(k) && deep_freeze(x) }
      end
      v.freeze
    end

    def keep(obj, id)
      Kasper.handles[obj] = id if id
      obj
    end

    def dump(o, out = +'')
      case o
      when nil then out << 'null'
      when true then out << 'true'
      when false then out << 'false'
      when String then out << string(o)
      when Integer then out << o.to_s
      when Float
        if o.finite?
          out << o.to_s
        else
          out << %({"\\u0000":"f","v":"#{o.nan? ? 'NaN' : (o.positive? ? 'Infinity' : '-Infinity')}"})
        end
      when Symbol
        case o
        when :undef then out << 'null'
        when :default then out << %({"\\u0000":"d"})
        else out << string(o.to_s)
        end
      when Array
        out << '['
        first = true
        o.each do |x|
          out << ',' unless first
          first = false
          dump(x, out)
        end
        out << ']'
      when Hash
        out << '{"\\u0000":"h","e":['
        first = true
        o.each do |k, v|
          out << ',' unless first
          first = false
          dump(k, out)
          out << ','
          dump(v, out)
        end
        out << ']}'
      else
        if (id = Kasper.handles[o])
          out << %({"\\u0000":"o","id":#{id}})
        elsif o.is_a?(Regexp)
          out << %({"\\u0000":"r","p":#{string(o.source)}})
        elsif o.respond_to?(:to_kasper_wire)
          out << o.to_kasper_wire
        elsif o.is_a?(Numeric)
          f = o.to_f
          out << (f.finite? ? f.to_s : 'null')
        elsif o.is_a?(Set)
          dump(o.to_a, out)
        else
          out << string(o.to_s)
        end
      end
      out
    end

    def string(s) = JSON.generate(utf8(s))

    # The string as valid UTF-8 (converted from its encoding, invalid bytes replaced).
    def utf8(s)
      s = s.encode(Encoding::UTF_8) unless s.encoding == Encoding::UTF_8 || s.encoding == Encoding::BINARY || s.encoding == Encoding::US_ASCII
      s = s.dup.force_encoding(Encoding::UTF_8) unless s.encoding == Encoding::UTF_8
      s = s.scrub unless s.valid_encoding?
      s
    rescue EncodingError
      s.dup.force_encoding(Encoding::BINARY).encode(Encoding::UTF_8, invalid: :replace, undef: :replace)
    end
  end

  # A Puppet lambda given to Ruby: calling it calls the host.
  class Block
    attr_reader :id, :arity
    def initialize(id, arity)
      @id = id
      @arity = arity || -1
    end

    def call(*args)
      Kasper.host('block', @id.to_s, Wire.dump(args))
    end

    def to_proc
      blk = self
      prc = proc { |*args| blk.call(*args) }
      prc
    end
  end

  # An operation's answer that is one string (`text`), else `value` (sent as JSON).
  Text = Struct.new(:text, :value)
  # What starts an answer sent as text (no JSON answer starts with it).
  RAW = "\u0001"

  # What JavaScript calls. Each operation takes the decoded request and returns a Ruby value.
  module Entry
    OPS = {}

    module_function

    def define(name, &block)
      OPS[name] = block
    end

    @running = [] # the call fibers being run, innermost last
    @waiting = [] # the call fibers waiting for the host, innermost last

    def self.in_call_fiber? = !@running.empty? && @running.last.equal?(Fiber.current)

    def run
      request = JSON.parse(BRIDGE.call(:input).to_s)
      Kasper.kept_drop(request['drop']) if request['drop']
      fiber = @idle.pop || worker
      @raises_before[fiber] = @raises
      advance(fiber, request)
    rescue Exception => e # rubocop:disable Lint/RescueException
      error_reply(e)
    end

    # The fibers calls run in. Each runs calls one after the other: it yields [:host, op, args...]
    # when the call needs the host and [:done, reply] when the call is over, then waits for the
    # next. Making a fiber costs ~40-110 µs of a call's time here (ruby.wasm zeroes ~100 KB for
    # each), resuming one ~5 µs. A fiber is not used again after a call in which anything was
    # raised (rescued or not; `@raises`, counted by a TracePoint on raise, which instruments no
    # instruction): ruby.wasm's GC later crashed marking such a fiber ("try to mark T_NONE
    # object", "Cannot malloc during GC"; compiler/test/stdlib-native.test.ts, whose calls often
    # fail, showed it every time), never one whose calls raised nothing.
    @idle = [] # fibers waiting for a call (at most IDLE)
    IDLE = 8
    @raises = 0
    @raises_before = {}.compare_by_identity # a running or waiting call's fiber => @raises when it began
    TracePoint.new(:raise) { @raises += 1 }.enable

    def worker
      Fiber.new do |request|
        request = Fiber.yield([:done, perform(request)]) while true
      end
    end

    def perform(request)
      op = OPS.fetch(request['op']) { raise ArgumentError, "unknown operation #{request['op']}" }
      # Dumped while the call's handles are still known, so host objects go back as themselves.
      Kasper.enter do
        result = op.call(request)
        changes = Kasper.kept_changes
        # A text answer goes as itself, after RAW (a template's output, which JSON would escape
        # here and parse again in the host), unless there are changes to send with it.
        next RAW + Wire.utf8(result.text) if result.is_a?(Text) && !changes

        ok = Wire.dump(result.is_a?(Text) ? result.value : result)
        changes ? %({"ok":#{ok},"kept":[#{changes}]}) : %({"ok":#{ok}})
      end
    rescue Exception => e # rubocop:disable Lint/RescueException -- nothing may unwind into JavaScript
      error_reply(e)
    end

    # The host's answer (JSON) to the innermost waiting call, which goes on.
    def resume
      answer = BRIDGE.call(:input).to_s
      fiber = @waiting.pop
      return error_reply(RuntimeError.new('no Ruby call is waiting for the host')) unless fiber&.alive?

      advance(fiber, answer)
    rescue Exception => e # rubocop:disable Lint/RescueException
      error_reply(e)
    end

    def advance(fiber, value)
      @running.push(fiber)
      out = begin
        fiber.resume(value)
      ensure
        @running.pop
      end
      if out[0] == :done
        clean = @raises_before.delete(fiber) == @raises
        @idle.push(fiber) if clean && @idle.size < IDLE
        return out[1]
      end

      @waiting.push(fiber)
      JSON.generate({ 'host' => out.drop(1) })
    end

    def error_reply(e)
      e = Kasper.jumps[e.jump] if e.is_a?(HostError) && e.jump && Kasper.jumps[e.jump]
      if e.is_a?(Jump)
        id = Kasper.jumps.key(e) || Kasper.remember_jump(e)
        return JSON.generate({ 'err' => { 'class' => 'Kasper::Jump', 'message' => e.message, 'jump' => id } })
      end
      host_id = e.is_a?(HostError) ? e.host_id : nil
      cause = e.cause
      while host_id.nil? && cause
        host_id = cause.host_id if cause.is_a?(HostError) && cause.message == e.message
        cause = cause.cause
      end
      err = {
        'class' => e.class.name || e.class.to_s,
        'message' => e.message.to_s,
        'backtrace' => (e.backtrace || []).first(40),
      }
      err['host'] = host_id if host_id
      err['line'] = e.line if e.respond_to?(:line) && e.line.is_a?(Integer)
      err['file'] = e.file if e.respond_to?(:file) && e.file.is_a?(String)
      if e.is_a?(SyntaxError)
        err['syntax'] = true
        err['path'] = e.path if e.respond_to?(:path)
      end
      JSON.generate({ 'err' => err })
    rescue Exception => again # rubocop:disable Lint/RescueException
      JSON.generate({ 'err' => { 'class' => 'Exception', 'message' => "#{e.class}: #{e.message rescue '?'} (and #{again.class} while reporting it)", 'backtrace' => [] } })
    end
  end

  Entry.define('eval') { |req| Kernel.eval(req['code'], TOPLEVEL_BINDING, '(eval)', 1) }

  define_singleton_method(:host_object) do |o|
    case o['k']
    when 'resource' then Puppet::Pops::Types::PResourceType.new(o['t'], o['n'])
    when 'class' then Puppet::Pops::Types::PClassType.new(o['n'])
    when 'type' then Puppet::Pops::Types::PAnyType.from_host(o['s'], o['n'])
    when 'timestamp' then o['ns'] ? Puppet::Pops::Time::Timestamp.new(Integer(o['ns'])) : Puppet::Pops::Time::Timestamp.from_text(o['s'])
    when 'binary' then Puppet::Pops::Types::PBinaryType::Binary.from_base64_strict(o['s'])
    else HostObject.new(o['k'].to_s, o['s'].to_s)
    end
  end
end

# Puppet 7 runs on Ruby 2.7-3.2, where Hash#inspect writes {"a"=>1, :b=>2}; Ruby 3.4 writes
# {"a" => 1, b: 2}. Templates print hashes with to_s, so Kasper keeps the older form.
class Hash
  def inspect
    return '{}' if empty?
    seen = (Thread.current[:__kasper_inspect] ||= {}.compare_by_identity)
    return '{...}' if seen[self]

    seen[self] = true
    begin
      '{' + map { |k, v| "#{k.inspect}=>#{v.inspect}" }.join(', ') + '}'
    ensure
      seen.delete(self)
    end
  end
  alias to_s inspect
end
