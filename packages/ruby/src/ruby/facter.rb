# Custom facts as Facter 4 resolves them (lib/facter/*.rb): Facter.add with setcode, confine,
# has_weight, aggregates with chunks; Facter.value reads other custom facts, else the host's
# facts (Kasper's core and external facts); commands run through the host.
module Facter
  class ResolveCustomFactError < StandardError; end

  module Core
    module Execution
      class ExecutionFailure < StandardError; end

      module_function

      def which(bin) = Kasper.host('which', bin.to_s)
      def search_paths = ENV.fetch('PATH', '/usr/sbin:/usr/bin:/sbin:/bin').split(':')
      def absolute_path?(path, _platform = nil) = path.to_s.start_with?('/')

      def expand_command(command)
        exe, rest = command.to_s.strip.split(/\s+/, 2)
        return nil if exe.nil?

        path = which(exe.delete('"\''))
        return nil unless path

        rest ? "#{path} #{rest}" : path
      end

      def with_env(values)
        old = {}
        values.each do |k, v|
          old[k] = ENV[k]
          ENV[k] = v
        end
        yield
      ensure
        old.each { |k, v| v.nil? ? ENV.delete(k) : ENV[k] = v }
      end

      def exec(command) = execute(command, on_fail: nil)

      def execute(command, options = {})
        on_fail = options.fetch(:on_fail, :raise)
        timeout = (options[:timeout] || options[:time_limit] || options[:limit]).to_i
        r = Kasper.host('execute_fact', command.to_s, timeout.to_s)
        if r.nil?
          raise ExecutionFailure, "Could not execute '#{command}': command not found" if on_fail == :raise

          return on_fail
        end
        r['stdout'].to_s.strip
      end

      def execute_command(command, on_fail = nil, _logger = nil, timeout = nil)
        r = Kasper.host('execute_fact', command.to_s, timeout.to_i.to_s)
        return on_fail if r.nil?

        [r['stdout'].to_s.strip, r['stderr'].to_s]
      end
    end

    # Aggregate facts: chunks, then one aggregation (by default hashes merged deeply, arrays
    # concatenated).
    class Aggregate
      attr_reader :name, :fact_name
      attr_accessor :weight

      def initialize(name, fact_name)
        @name = name
        @fact_name = fact_name
        @chunks = {}
        @confines = []
        @aggregate = nil
      end

      def chunk(name, _options = {}, &block)
        @chunks[name] = block
      end

      def aggregate(&block)
        @aggregate = block
      end

      def value
        results = {}
        @chunks.each { |name, block| results[name] = block.call }
        return @aggregate.call(results) if @aggregate

        results.values.reduce(nil) { |acc, v| Facter::Resolution.deep_merge(acc, v) }
      end
    end
  end

  class Resolution
    attr_reader :name, :fact_name, :confines, :file, :line
    attr_accessor :timeout, :code

    def initialize(name, fact_name, file = nil, line = nil)
      @name = name
      @fact_name = fact_name
      @confines = []
      @weight = nil
      @code = nil
      @file = file
      @line = line
    end

    def self.deep_merge(a, b)
      return b if a.nil?
      return a if b.nil?
      return a.merge(b) { |_k, x, y| deep_merge(x, y) } if a.is_a?(Hash) && b.is_a?(Hash)
      return a + b if a.is_a?(Array) && b.is_a?(Array)

      raise ArgumentError, "cannot merge #{a.inspect} and #{b.inspect}"
    end

    def self.exec(command) = Facter::Core::Execution.exec(command)
    def self.which(bin) = Facter::Core::Execution.which(bin)

    def has_weight(weight) = (@weight = weight.to_i)
    def weight = @weight || @confines.size

    def confine(confines = nil, *values, &block)
      case confines
      when Hash
        confines.each { |fact, v| @confines << Confine.new(fact, *Array(v.is_a?(Proc) ? [v] : v)) }
      when nil
        @confines << Confine.new(nil, &block) if block
      else
        @confines << (block ? Confine.new(confines, &block) : Confine.new(confines, *values))
      end
    end

    def setcode(string = nil, &block)
      if string
        @code = lambda do
          out = Facter::Core::Execution.execute(string, on_fail: nil)
          out.nil? || out.empty? ? nil : out
        end
      elsif block
        @code = block
      else
        raise ArgumentError, 'You must pass either code or a block'
      end
    end

    def on_flush(&_block); end

    def suitable? = @confines.all?(&:true?)

    def value
      @code ? @code.call : nil
    end

    def chunk(name, options = {}, &block)
      (@aggregate ||= Core::Aggregate.new(@name, @fact_name)).chunk(name, options, &block)
      @code = -> { @aggregate.value }
    end

    def aggregate(&block)
      (@aggregate ||= Core::Aggregate.new(@name, @fact_name)).aggregate(&block)
      @code = -> { @aggregate.value }
    end

    def set_options(options)
      @weight = options[:weight].to_i if options[:weight]
      @timeout = options[:timeout] if options[:timeout]
      confine(options[:confine]) if options[:confine]
    end
  end

  class Confine
    def initialize(fact = nil, *values, &block)
      raise ArgumentError, 'The fact name must be provided' unless fact || block
      raise ArgumentError, 'One or more values or a block must be provided' if values.empty? && !block

      @fact = fact
      @values = values
      @block = block
    end

    def self.convert(value)
      case value
      when String then value.downcase
      when Symbol then value.to_s.downcase
      else value
      end
    end

    def true?
      if @block && !@fact
        return begin
          !!@block.call
        rescue StandardError
          false
        end
      end
      value = Confine.convert(Facter.value(@fact))
      return false if value.nil?

      if @block
        return begin
          !!@block.call(value)
        rescue StandardError
          false
        end
      end
      @values.any? do |v|
        v.is_a?(Proc) ? !!v.call(value) : Confine.convert(v) === value
      end
    end
  end

  # A fact: its resolutions, resolved once.
  class Fact
    attr_reader :name, :resolutions

    def initialize(name)
      @name = name
      @resolutions = []
      @resolved = false
      @value = nil
      @searching = false
    end

    def add(options = {}, &block)
      loc = block ? block.source_location : nil
      res = Resolution.new(options[:name] || @name, @name, loc&.first, loc&.last)
      res.set_options(options)
      res.instance_eval(&block) if block
      @resolutions << res
      res
    end

    def define_resolution(name, options = {}, &block)
      existing = name && @resolutions.find { |r| r.name == name }
      if existing
        existing.set_options(options)
        existing.instance_eval(&block) if block
        existing
      else
        add(options.merge(name: name), &block)
      end
    end

    def resolution(name) = @resolutions.find { |r| r.name == name }

    def value
      return @value if @resolved
      raise "Caught recursion on #{@name}" if @searching

      @searching = true
      begin
        idx = 0
        ordered = @resolutions.select(&:suitable?).sort_by { |r| [-r.weight, idx += 1] }
        used = nil
        ordered.each do |r|
          begin
            v = r.value
          rescue Exception => e # rubocop:disable Lint/RescueException
            Facter.record_error(@name, r, e)
            break
          end
          next if v.nil?

          @value = v
          used = r
          break
        end
        # As Facter 4: a custom fact of weight 0 does not override a core fact.
        if @value.nil? || used.nil? || used.weight <= 0
          core = Facter.core_value(@name)
          @value = core unless core.nil?
        end
        @resolved = true
      ensure
        @searching = false
      end
      @value
    end

    def flush
      @resolved = false
      @value = nil
    end
  end

  @facts = {}
  @errors = []

  class << self
    attr_reader :errors

    def add(name, options = {}, &block)
      name = name.to_s
      fact = (@facts[name] ||= Fact.new(name))
      fact.add(options, &block)
    end

    def define_fact(name, options = {}, &block)
      name = name.to_s
      fact = (@facts[name] ||= Fact.new(name))
      fact.instance_eval(&block) if block
      fact
    end

    def fact(name)
      name = name.to_s
      @facts[name] || CoreFact.new(name)
    end

    alias [] fact

    def value(name)
      name = name.to_s
      f = @facts[name]
      f ? f.value : core_value(name)
    end

    def core_value(name)
      @core_cache ||= {}
      return @core_cache[name] if @core_cache.key?(name)

      @core_cache[name] = Kasper.host('fact', name.to_s)
    end

    def custom_names = @facts.keys
    def to_hash = @facts.keys.to_h { |k| [k, value(k)] }
    def list = @facts.keys
    def version = '4.2.14'
    def clear
      @facts = {}
      @errors = []
      @core_cache = {}
    end
    alias reset clear
    def flush = @facts.each_value(&:flush)
    def loadfacts; end
    def search(*_dirs); end
    def search_path = []
    def search_external(*_dirs); end
    def search_external_path = []
    def collection = self
    def debugging(*_args) = false
    def trace(*_args) = false
    def timing(*_args) = false

    def debug(message) = Kasper.log(:debug, message.to_s)
    def debugonce(message) = (@said ||= {})[message] ||= (Kasper.log(:debug, message.to_s) || true)
    def info(message) = Kasper.log(:info, message.to_s)
    def warn(message) = Kasper.log(:warning, message.to_s)
    def warnonce(message) = (@said ||= {})[message] ||= (Kasper.log(:warning, message.to_s) || true)
    def error(message) = Kasper.log(:err, message.to_s)
    def log_exception(exception, message = nil) = Kasper.log(:err, (message || exception.message).to_s)

    def record_error(name, resolution, exception)
      @errors << {
        'fact' => name, 'file' => resolution.file, 'line' => Kasper.line_in(exception, resolution.file) || resolution.line,
        'class' => exception.class.name, 'message' => exception.message
      }
      Kasper.log(:err, "Error while resolving custom fact \"#{name}\": #{exception.message}")
    end
  end

  # A fact Facter does not have from a custom file: the host's.
  class CoreFact
    attr_reader :name

    def initialize(name)
      @name = name
    end

    def value = Facter.core_value(@name)
  end

  module Util
    Resolution = Facter::Resolution
    Confine = Facter::Confine
    Fact = Facter::Fact

    module FileRead
      module_function

      def read(path)
        File.read(path)
      rescue StandardError
        nil
      end

      def read_binary(path)
        File.binread(path)
      rescue StandardError
        nil
      end
    end

    module Values
      module_function

      def convert(value) = Facter::Confine.convert(value)
      def deep_freeze(value) = value
    end
  end
end

LegacyFacter = Facter unless defined?(LegacyFacter)

module Kasper
  # req: files [[path, source]...] ; names (facts to resolve, or nil for every custom fact)
  Entry.define('facts') do |req|
    Facter.clear
    load_errors = []
    req['files'].each do |path, source|
      Kernel.eval(source, TOPLEVEL_BINDING, path, 1)
    rescue Exception => e # rubocop:disable Lint/RescueException
      load_errors << { 'file' => path, 'line' => Kasper.line_in(e, path), 'class' => e.class.name, 'message' => e.message }
    end
    names = req['names'] || Facter.custom_names
    values = {}
    names.each do |n|
      v = Facter.value(n)
      values[n] = v unless v.nil?
    end
    { 'values' => values, 'errors' => load_errors + Facter.errors }
  end
end
