# Puppet functions written in Ruby, both APIs:
#   Puppet::Functions.create_function (lib/puppet/functions), dispatches with typed parameters;
#   Puppet::Parser::Functions.newfunction (lib/puppet/parser/functions), the Puppet 3 API.
# Loading a file records what it creates; Kasper (JavaScript) keeps the descriptor and calls the
# function by id. Types are Puppet type expressions, kept as text and checked by the host.
module Kasper
  module Functions
    @loaded = {}
    @next_id = 0
    @capture = nil

    class << self
      def get(id) = @loaded.fetch(id) { raise ArgumentError, "no Ruby function with id #{id}" }

      def capture
        outer = @capture
        @capture = []
        yield
        @capture
      ensure
        @capture = outer
      end

      def record(entry)
        @next_id += 1
        entry[:id] = @next_id
        @loaded[@next_id] = entry
        @capture << entry if @capture
        entry
      end
    end

    # The methods legacy functions are, as methods of the scope (so `return` works and `self`
    # is the scope, as in Puppet).
    module Legacy; end
  end
end

module Puppet
  module Pops
    module Functions
      # One dispatch: a method and the signature that selects it.
      class Dispatch
        attr_reader :method_name, :params, :block, :mismatch
        attr_accessor :return_type, :scope_param

        def initialize(method_name, mismatch = false)
          @method_name = method_name.to_sym
          @params = []
          @block = nil
          @return_type = nil
          @scope_param = false
          @mismatch = mismatch
        end

        def add(type, name, kind)
          if @params.last && %w[repeated required_repeated].include?(@params.last[:kind])
            raise ArgumentError, "dispatch #{@method_name}: no parameter can follow the repeated '#{@params.last[:name]}'"
          end
          if kind == 'required' && @params.any? { |p| p[:kind] == 'optional' }
            raise ArgumentError, "dispatch #{@method_name}: required parameter '#{name}' follows an optional one"
          end

          @params << { type: Dispatch.type_text(type), name: name.to_s, kind: kind }
        end

        def self.type_text(type) = type.is_a?(String) ? type : type.to_s

        def min = @params.count { |p| p[:kind] == 'required' || p[:kind] == 'required_repeated' }
        def max = @params.any? { |p| p[:kind].end_with?('repeated') } ? -1 : @params.size

        def to_h
          {
            'method' => @method_name.to_s, 'params' => @params.map { |p| p.transform_keys(&:to_s) },
            'block' => @block&.transform_keys(&:to_s), 'returnType' => @return_type,
            'scopeParam' => @scope_param, 'argumentMismatch' => @mismatch, 'min' => min, 'max' => max,
          }
        end
      end

      # The DSL inside `dispatch :m do ... end`.
      class DispatcherBuilder
        def initialize(dispatch)
          @d = dispatch
        end

        def param(type, name) = @d.add(type, name, 'required')
        alias required_param param
        def optional_param(type, name) = @d.add(type, name, 'optional')
        def repeated_param(type, name) = @d.add(type, name, 'repeated')
        alias optional_repeated_param repeated_param
        def required_repeated_param(type, name) = @d.add(type, name, 'required_repeated')

        def block_param(*type_and_name)
          type, name = block_type_and_name(type_and_name)
          @d.instance_variable_set(:@block, { type: type, name: name, optional: false })
        end
        alias required_block_param block_param

        def optional_block_param(*type_and_name)
          type, name = block_type_and_name(type_and_name)
          @d.instance_variable_set(:@block, { type: type, name: name, optional: true })
        end

        def return_type(type)
          @d.return_type = Dispatch.type_text(type)
        end

        def scope_param
          @d.scope_param = true
        end

        def cache_param; end
        def loader_param; end
        def injected_param(*_args); end

        private

        def block_type_and_name(args)
          case args.size
          when 0 then ['Callable', 'block']
          when 1 then args[0].is_a?(Symbol) ? ['Callable', args[0].to_s] : [Dispatch.type_text(args[0]), 'block']
          else [Dispatch.type_text(args[0]), args[1].to_s]
          end
        end
      end

      # Selects and calls a dispatch, in Ruby (for functions that override `call`).
      class Dispatcher
        attr_reader :dispatches

        def initialize
          @dispatches = []
        end

        def add(dispatch) = @dispatches << dispatch
        def empty? = @dispatches.empty?

        def dispatch(instance, calling_scope, args, &block)
          chosen = @dispatches.find { |d| !d.mismatch && Kasper::Dispatching.matches?(d, args, block) }
          chosen ||= @dispatches.find { |d| d.mismatch && Kasper::Dispatching.arity_ok?(d, args, block) }
          raise ArgumentError, Kasper::Dispatching.mismatch_message(instance.class.name, @dispatches, args, block) unless chosen

          Kasper::Dispatching.invoke(instance, chosen, calling_scope, args, block)
        end
      end

      class Function
        class << self
          attr_reader :func_name, :local_types

          def name = @func_name
          alias to_s name

          def dispatcher = (@dispatcher ||= Dispatcher.new)

          def dispatch(method_name, &block)
            d = Dispatch.new(method_name)
            DispatcherBuilder.new(d).instance_eval(&block) if block
            dispatcher.add(d)
          end

          def argument_mismatch(method_name, &block)
            d = Dispatch.new(method_name, true)
            DispatcherBuilder.new(d).instance_eval(&block) if block
            dispatcher.add(d)
          end

          def local_types(&block)
            @local_types ||= []
            LocalTypes.new(@local_types).instance_eval(&block) if block
            @local_types
          end

          def init_function(name)
            @func_name = name
          end
        end

        def initialize(closure_scope = nil, loader = nil)
          @closure_scope = closure_scope
          @loader = loader
        end

        def closure_scope = @closure_scope ||= Puppet::Parser::Scope.new
        def loader = @loader

        def call(scope, *args, &block)
          self.class.dispatcher.dispatch(self, scope, args, &block)
        end

        def call_function(function_name, *args, &block)
          Kasper.call_host_function(function_name.to_s, args, block)
        end

        def internal_call_function(_scope, function_name, args, &block)
          Kasper.call_host_function(function_name.to_s, args, block)
        end
      end

      class InternalFunction < Function
        def call_function_with_scope(_scope, function_name, *args, &block)
          call_function(function_name, *args, &block)
        end
      end

      class LocalTypes
        def initialize(list)
          @list = list
        end

        def type(assignment)
          name, definition = assignment.split('=', 2).map(&:strip)
          @list << { 'name' => name, 'definition' => definition }
        end
      end
    end
  end

  module Functions
    Function = Puppet::Pops::Functions::Function
    InternalFunction = Puppet::Pops::Functions::InternalFunction

    def self.create_function(func_name, function_base = Function, &block)
      name = func_name.to_s
      unless name.match?(/\A[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*\z/)
        raise ArgumentError, "Functions must be named with a lowercase letter, then letters, digits and underscores, with '::' between name segments; got '#{name}'"
      end

      klass = Class.new(function_base)
      klass.init_function(name)
      klass.class_eval(&block) if block
      if klass.dispatcher.empty?
        simple = name.split('::').last.to_sym
        unless klass.method_defined?(simple)
          raise ArgumentError, "Function Creation Error, cannot create a default dispatcher for function '#{name}', no method with this name found"
        end

        d = Puppet::Pops::Functions::Dispatch.new(simple)
        klass.instance_method(simple).parameters.each do |kind, pname|
          case kind
          when :req then d.add('Any', pname || 'arg', 'required')
          when :opt then d.add('Any', pname || 'arg', 'optional')
          when :rest then d.add('Any', pname || 'args', 'repeated')
          when :block then d.instance_variable_set(:@block, { type: 'Callable', name: pname.to_s, optional: true })
          end
        end
        klass.dispatcher.add(d)
      end
      custom_call = klass.instance_method(:call).owner != Puppet::Pops::Functions::Function
      Kasper::Functions.record({ api: 'modern', name: name, klass: klass, custom_call: custom_call })
      klass
    end
  end

  module Parser
    module Functions
      class AutoloaderStub
        def load(*_args) = true
        def loaded?(*_args) = true
        def loadall(*_args) = true
        def delegatee = self
      end

      class << self
        def newfunction(name, options = {}, &block)
          name = name.to_s
          ftype = (options[:type] || :statement).to_sym
          unless %i[statement rvalue].include?(ftype)
            raise Puppet::DevError, "Invalid statement type #{ftype.inspect}"
          end

          entry = Kasper::Functions.record({ api: 'legacy', name: name, type: ftype.to_s, arity: (options[:arity] || -1).to_i, doc: options[:doc] })
          Kasper::Functions::Legacy.send(:define_method, :"real_function_#{entry[:id]}", &block)
          { arity: entry[:arity], type: ftype, name: "function_#{name}" }
        end

        def function(name, _environment = nil)
          Kasper.host('has_function', name.to_s) ? "function_#{name}" : false
        end

        def rvalue?(name, _environment = nil) = Kasper.host('function_info', name.to_s)&.fetch('rvalue', false) || false
        def arity(name, _environment = nil) = Kasper.host('function_info', name.to_s)&.fetch('arity', -1) || -1
        def autoloader = @autoloader ||= AutoloaderStub.new
        def reset; end
        def functiondocs(_env = nil) = ''
      end
    end

    class Scope
      include Kasper::Functions::Legacy
    end
  end
end

module Kasper
  # Puppet 3 functions get Puppet 3 values: an undef argument is '' (nil when nested), a regexp
  # its /source/ text, a resource reference a Puppet::Resource, a timestamp or binary its string.
  module Legacy3x
    module_function

    def convert(value, top)
      case value
      when nil then top ? '' : nil
      when :undef then top ? '' : nil
      when Array then value.map { |v| convert(v, false) }
      when Hash then value.each_with_object({}) { |(k, v), h| h[convert(k, false)] = convert(v, false) }
      when Regexp then value.inspect
      when Puppet::Pops::Types::PResourceType
        t = value.type_name
        t.nil? ? value : (t.casecmp?('class') ? Puppet::Resource.new('class', value.title) : Puppet::Resource.new(t.downcase, value.title || ''))
      when Puppet::Pops::Types::PClassType then value.class_name ? Puppet::Resource.new('class', value.class_name) : value
      when Puppet::Pops::Time::Timestamp, Puppet::Pops::Types::PBinaryType::Binary then value.to_s
      else value
      end
    end

    def convert_return(value)
      case value
      when :undef then nil
      when Array then value.map { |v| convert_return(v) }
      when Hash then value.each_with_object({}) { |(k, v), h| h[convert_return(k)] = convert_return(v) }
      else value
      end
    end
  end

  # Choosing a dispatch in Ruby, asking the host about types.
  module Dispatching
    module_function

    def arity_ok?(d, args, block)
      return false if args.size < d.min
      return false if d.max >= 0 && args.size > d.max
      return false if d.block && !d.block[:optional] && block.nil?
      return false if d.block.nil? && block

      true
    end

    def matches?(d, args, block)
      return false unless arity_ok?(d, args, block)

      args.each_with_index.all? do |a, i|
        p = d.params[[i, d.params.size - 1].min]
        p[:type] == 'Any' || Kasper.host_value('is_instance', p[:type], a)
      end
    end

    def type_text(t) = t.to_s.gsub(/,\s*/, ', ')

    def signature(d)
      marks = { 'required' => '', 'optional' => '?', 'repeated' => '*', 'required_repeated' => '+' }
      parts = d.params.map { |p| "#{type_text(p[:type])} #{p[:name]}#{marks[p[:kind]]}" }
      parts << "#{type_text(d.block[:type])} #{d.block[:name]}#{d.block[:optional] ? '?' : ''}" if d.block
      "(#{parts.join(', ')})"
    end

    def rejection(d, args, block)
      unless arity_ok?(d, args, block)
        return 'expects a block' if d.block && !d.block[:optional] && block.nil?
        return 'does not expect a block' if d.block.nil? && block

        expected = d.max == d.min ? d.min.to_s : (d.max.negative? ? "at least #{d.min}" : "between #{d.min} and #{d.max}")
        return "expects #{expected} argument#{expected == '1' ? '' : 's'}, got #{args.size}"
      end
      args.each_with_index do |a, i|
        p = d.params[[i, d.params.size - 1].min]
        next if p[:type] == 'Any' || Kasper.host_value('is_instance', p[:type], a)

        return "parameter '#{p[:name]}' #{Kasper.host_value('describe_mismatch', p[:type], a)}"
      end
      nil
    end

    def mismatch_message(name, dispatches, args, block)
      real = dispatches.reject(&:mismatch)
      return "'#{name}' #{rejection(real.first, args, block) || 'rejected the arguments'}" if real.size == 1

      lines = real.map { |d| "  #{signature(d)}\n    rejected: #{rejection(d, args, block) || '?'}" }
      "The function '#{name}' was called with arguments it does not accept. It expects one of:\n#{lines.join("\n")}"
    end

    def invoke(instance, d, calling_scope, args, block)
      args = [calling_scope, *args] if d.scope_param
      result = block ? instance.send(d.method_name, *args, &block) : instance.send(d.method_name, *args)
      if d.return_type && d.return_type != 'Any' && !Kasper.host_value('is_instance', d.return_type, result)
        raise Puppet::Error, "value returned from function '#{d.method_name}' #{Kasper.host_value('describe_mismatch', d.return_type, result)}"
      end

      result
    end
  end

  # req: source, path; iseq: the file's compiled code the host kept (base64), keep: give the
  # compiled code back to keep (`keep_function`). Loaded from kept code, the file is not parsed:
  # the first parse in a process also pays V8's compiling of Ruby's parser (~15 ms of CPU).
  Entry.define('load_function') do |req|
    loaded = Functions.capture do
      Functions.run_file(req['source'], req['path'], req['iseq'], req['keep'])
    end
    loaded.map do |e|
      base = { 'id' => e[:id], 'name' => e[:name], 'api' => e[:api] }
      if e[:api] == 'modern'
        base.merge('dispatches' => e[:klass].dispatcher.dispatches.map(&:to_h), 'customCall' => e[:custom_call], 'localTypes' => e[:klass].local_types)
      else
        base.merge('type' => e[:type], 'arity' => e[:arity], 'doc' => e[:doc])
      end
    end
  end

  module Functions
    class << self
      # Runs a function file at the top level, as `load` does: from its kept instruction sequence
      # when the host has one (one this Ruby cannot load is compiled again), else compiled here.
      def run_file(source, path, binary, keep)
        if binary
          iseq = begin
            RubyVM::InstructionSequence.load_from_binary(binary.unpack1('m0'))
          rescue StandardError
            nil
          end
          return iseq.eval if iseq
        end
        iseq = RubyVM::InstructionSequence.compile(source, path, path, 1)
        Kasper.host('keep_function', [iseq.to_binary].pack('m0')) if keep
        iseq.eval
      end

      # Runs a loaded function: `dispatch` is the index the host chose (nil: the function
      # chooses, for one that overrides `call`); legacy ones get Puppet 3's values and arity.
      def invoke(entry, args, dispatch, block)
        if entry[:api] == 'legacy'
          args = Legacy3x.convert(args, false).map { |a| a.nil? ? '' : a }
          arity = entry[:arity]
          if arity >= 0 && args.size != arity
            raise ArgumentError, "#{entry[:name]}(): Wrong number of arguments given (#{args.size} for #{arity})"
          elsif arity.negative? && args.size < (arity + 1).abs
            raise ArgumentError, "#{entry[:name]}(): Wrong number of arguments given (#{args.size} for minimum #{(arity + 1).abs})"
          end

          scope = Puppet::Parser::Scope.new
          result = Legacy3x.convert_return(scope.send(:"real_function_#{entry[:id]}", args))
          entry[:type] == 'rvalue' ? result : nil
        else
          klass = entry[:klass]
          instance = klass.new(Puppet::Parser::Scope.new, nil)
          scope = Puppet::Parser::Scope.new
          if dispatch.nil?
            instance.call(scope, *args, &block)
          else
            d = klass.dispatcher.dispatches.fetch(dispatch)
            args = [scope, *args] if d.scope_param
            block ? instance.send(d.method_name, *args, &block) : instance.send(d.method_name, *args)
          end
        end
      end

      # A call from Ruby to a function that is itself in Ruby, run here without leaving the VM:
      # the host says which function the name is (as its own calls resolve it, loading the file
      # if need be) and chooses the dispatch with its type system; a Ruby error raised by the
      # called function reaches the caller as itself, as under Puppet. nil when the name is not
      # a Ruby function (the host calls it).
      def call_in_ruby(name, args, block, legacy)
        how = [name, legacy ? 'legacy' : 'modern', block ? 'block' : '']
        # Asked in place while the host can answer without running Ruby; a function whose file
        # it must load first is asked for again from the call's fiber (loading runs Ruby).
        target = Kasper.host_value('ruby_function', *how, args)
        # A function of the host's that runs no Ruby (versioncmp, sprintf…) was called in place,
        # without the wait in this call's fiber that a call that may run Ruby needs: its value.
        return [target['value']] if target.is_a?(Hash) && target.key?('value')

        target = Kasper.host_value('load_ruby_function', *how, args) if target == 'load'
        return nil if target.nil?

        # No dispatch takes the arguments: Puppet raises an ArgumentError where the call is.
        raise ArgumentError, target['mismatch'] if target['mismatch']

        entry = get(target['id'])
        result = invoke(entry, args, target['dispatch'], block)
        if target['returnType']
          Kasper.host_value('check_return', target['id'].to_s, target['dispatch'].to_s, result)
        end
        [result]
      end
    end
  end

  # req: id, args (wire), special, dispatch (index or nil), block (host block id or nil)
  Entry.define('call_function') do |req|
    entry = Functions.get(req['id'])
    args = req['args']
    args = Wire.revive(args) if req['special']
    block = req['block'] ? Block.new(req['block'], req['arity']).to_proc : nil
    Functions.invoke(entry, args, req['dispatch'], block)
  end
end
