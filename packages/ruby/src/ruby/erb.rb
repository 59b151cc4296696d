# ERB templates as Puppet 7's template() and inline_template() run them: ERB with trim mode '-',
# evaluated on a wrapper object whose instance variables are the variables visible in the
# calling scope, with the wrapper's public methods (scope, file, has_variable?, classes,
# all_tags, and the log methods).
require 'erb'

module Puppet
  module Parser
    class TemplateWrapper
      Puppet::LOG_LEVELS.each do |level|
        define_method(level) { |*args| Kasper.log(level, args.join(' ')) }
      end

      def initialize(scope, file)
        @__scope__ = scope
        @__file__ = file
      end

      def file = @__file__
      def scope = @__scope__
      def has_variable?(name) = scope.include?(name.to_s)
      def classes = scope.catalog.classes
      def all_tags = scope.catalog.tags

      def tags
        raise NotImplementedError, "Call 'all_tags' instead."
      end

      def to_s = "template[#{@__file__ || 'inline'}]"
    end
  end
end

module Kasper
  # Compiled templates, as methods of the wrapper: ERB turns each template into Ruby once, and
  # every later rendering is a method call. A template file's compiled code (its instruction
  # sequence, as binary) can come from the host's cache, which skips ERB's translation and Ruby's
  # parsing; a template compiled here hands its binary to the host to keep (`keep_template`).
  module Templates
    LIMIT = 2000
    @methods = {}
    @named = {} # the host's names of the methods it knows are here
    @ivars = {} # Puppet variable names => instance variable names
    @count = 0

    class << self
      # [method name, binary to keep or nil]. `name`: the method's name (the host's, stable across
      # processes, when the compiled code is cached); `binary`: cached code (base64); `keep`: give
      # the compiled code back.
      def method_for(source, file, name = nil, binary = nil, keep = false)
        key = [file, source]
        found = @methods[key]
        if found
          @named[name] = found if name
          return [found, nil]
        end

        clear if @methods.size >= LIMIT
        named = !name.nil?
        name ||= "__kasper_template_#{@count += 1}"
        if binary
          begin
            RubyVM::InstructionSequence.load_from_binary(binary.unpack1('m0')).eval
            return [@methods[key] = @named[name] = name.to_sym, nil] if Puppet::Parser::TemplateWrapper.method_defined?(name)
          rescue StandardError
            # not loadable here: compiled again below
          end
        end
        fname = file || '(erb)'
        erb = ERB.new(source, trim_mode: '-')
        # As ERB#def_method does (the same lines; constants looked up from ERB's lexical scope,
        # the method defined on the wrapper), but compiled as an instruction sequence that can be
        # kept.
        src = erb.src.sub(/^(?!#|$)/) { "class ERB; Puppet::Parser::TemplateWrapper.class_eval do def #{name}\n" } << "\nend; end; end\n"
        iseq = RubyVM::InstructionSequence.compile(src, fname, fname, -1)
        iseq.eval
        @methods[key] = name.to_sym
        @named[name] = @methods[key] if named
        [@methods[key], keep ? [iseq.to_binary].pack('m0') : nil]
      end

      # A template's method by the name the host gave it, if it is still here.
      def named(name) = @named[name]

      # The instance variable a Puppet variable is to a template (`@name`, other characters as
      # `_`): made once per name (a regular expression, a string and a symbol for each of a
      # rendering's variables before: ~3 µs each, ~600 a compile of the ERB benchmark's site).
      def ivar(name)
        @ivars[name] ||= begin
          @ivars.clear if @ivars.size >= LIMIT
          :"@#{name.gsub(/[^\w]/, '_')}"
        end
      end

      # What a variable's value was before rendering, to tell whether the template changed it in
      # place. A string is kept as a copy (which shares its bytes until either is changed, so it
      # costs no copying) and compared byte for byte; arrays and hashes by Marshal's dump (see
      # Kasper.fingerprint), which sees changes at any depth. Most variables templates read are
      # strings, and dumping each twice per rendering was about a tenth of a rendering's time.
      def before(value) = value.is_a?(String) ? value.dup : Kasper.fingerprint(value)

      def changed?(value, was)
        return !(was.encoding == value.encoding && was == value) if was.is_a?(String) && value.is_a?(String) && !value.equal?(was)

        Kasper.fingerprint(value) != was
      end

      def clear
        @methods.each_value { |m| Puppet::Parser::TemplateWrapper.send(:remove_method, m) rescue nil }
        @methods.clear
        @named.clear
      end
    end
  end

  # req: source, file. Compiles the template's Ruby without running it (a syntax check).
  Entry.define('check_erb') do |req|
    erb = ERB.new(req['source'], trim_mode: '-')
    RubyVM::InstructionSequence.compile(erb.src, req['file'] || '(erb)', req['file'] || '(erb)', 1)
    nil
  end

  MUTABLE = ->(v) { (v.is_a?(Array) || v.is_a?(Hash) || v.is_a?(String)) && !v.frozen? }

  # req: source (or method: the name of one compiled before), file, vars (name => value on the
  # wire, special); name, iseq, keep: see Templates.method_for. Answers out and changed, or
  # missing when Ruby no longer has the method named.
  Entry.define('erb') do |req|
    vars = req['vars'] || {}
    vars = Wire.revive(vars) if req['special']
    if req['method']
      # A template the host handed before, by its name alone (unless Ruby has since let it go).
      method = Templates.named(req['method'])
      next { 'missing' => true } unless method
    else
      method, binary = Templates.method_for(req['source'], req['file'], req['name'], req['iseq'], req['keep'])
      # Kept before rendering: a template that fails at run time is compiled all the same.
      Kasper.host('keep_template', binary) if binary
    end
    wrapper = Puppet::Parser::TemplateWrapper.new(Puppet::Parser::Scope.new, req['file'])
    before = {}
    vars.each do |name, value|
      wrapper.instance_variable_set(Templates.ivar(name), value)
      before[name] = Templates.before(value) if MUTABLE.(value)
    end
    out = wrapper.send(method)
    changed = {}
    before.each do |name, was|
      value = vars[name]
      changed[name] = value if Templates.changed?(value, was)
    end
    reply = { 'out' => out.to_s, 'changed' => changed }
    # The output alone, as text, when the template changed nothing it was given.
    changed.empty? ? Text.new(reply['out'], reply) : reply
  end
end
