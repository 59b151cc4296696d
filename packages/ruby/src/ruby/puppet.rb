# The part of Puppet's Ruby API that module code calls at compile time: errors, logging,
# settings, values (Sensitive, types, resource references, timestamps, binaries), the scope of a
# call, and small utilities. Everything that needs the compiler asks the host through
# Kasper.host; nothing here is Puppet's code, only its published shape.
require 'time'
require 'yaml' # Puppet has it loaded: templates call to_yaml without requiring it

# lib/puppet_x.rb in Puppet: the namespace modules put their helpers in.
module PuppetX; end

module Puppet
  class Error < RuntimeError
    attr_accessor :file, :line, :pos, :original

    def initialize(message = nil, file = nil, line = nil, pos = nil, original = nil, _issue_code = nil)
      super(message)
      @file = file
      @line = line
      @pos = pos
      @original = original
    end
  end

  class ParseError < Error; end
  class DevError < Error; end
  class ResourceError < Error; end
  class MissingCommand < Error; end
  class ExecutionFailure < Error; end
  class LookupError < Error; end
  class ParseErrorWithIssue < ParseError
    attr_reader :issue_code, :basic_message, :arguments
    def initialize(message, file = nil, line = nil, pos = nil, original = nil, issue_code = nil, arguments = nil)
      super(message, file, line, pos, original, issue_code)
      @issue_code = issue_code
      @basic_message = message
      @arguments = arguments
    end
  end
  class PreformattedError < ParseErrorWithIssue; end
  class SubclassAlreadyDefined < Error; end

  PUPPETVERSION = '7.23.0'

  LOG_LEVELS = %i[debug info notice warning err alert emerg crit].freeze

  DEFAULT_SETTINGS = {
    environment: 'production', strict: :warning, strict_variables: false,
    confdir: '/etc/puppet', codedir: '/etc/puppet/code', vardir: '/var/lib/puppet',
    rundir: '/run/puppet', logdir: '/var/log/puppet', ssldir: '/var/lib/puppet/ssl',
    environmentpath: '/etc/puppet/code/environments', basemodulepath: '/etc/puppet/code/modules:/usr/share/puppet/modules',
    hiera_config: '/etc/puppet/hiera.yaml', node_name_value: nil, certname: nil,
    server: 'puppet', masterport: 8140, user: 'puppet', group: 'puppet',
    libdir: '/var/lib/puppet/lib', factpath: '/var/lib/puppet/lib/facter:/var/lib/puppet/facts',
    digest_algorithm: 'sha256', preferred_serialization_format: 'json', tasks: false,
    http_proxy_host: 'none', http_proxy_port: 3128, ordering: 'manifest', noop: false,
    disable_i18n: true, trusted_server_facts: true, app_management: false,
  }.freeze

  @settings = {}

  class << self
    def version = PUPPETVERSION

    def [](name)
      key = name.to_sym
      return @settings[key] if @settings.key?(key)

      DEFAULT_SETTINGS[key]
    end

    def []=(name, value)
      @settings[name.to_sym] = value
    end

    def settings
      @settings_object ||= Settings.new
    end

    def configure(settings)
      settings.each { |k, v| @settings[k.to_sym] = v }
    end

    LOG_LEVELS.each do |level|
      define_method(level) { |message = nil, *_rest, &block| Kasper.log(level, message.nil? && block ? block.call : message) }
    end
    alias warn warning
    alias err error rescue nil

    def warn_once(_kind, _key, message, _file = nil, _line = nil, _level = :warning)
      @warned ||= {}
      return if @warned[message]

      @warned[message] = true
      Kasper.log(:warning, message)
    end

    def deprecation_warning(message, _key = nil)
      warn_once(:deprecation, nil, message)
    end

    def puppet_deprecation_warning(message, _options = {})
      warn_once(:deprecation, nil, message)
    end

    def log_exception(exception, message = :default, _options = {})
      Kasper.log(:err, message == :default ? exception.message : message)
    end

    # Puppet.lookup(:current_environment) and the like: the context of the compilation.
    def lookup(name, &block)
      case name.to_sym
      when :current_environment, :environments then Node::Environment.current
      when :loaders then nil
      when :trusted_information then nil
      else
        return block.call if block

        nil
      end
    end

    def override(_bindings, _description = '')
      yield
    end

    def features
      @features ||= Features.new
    end

    def run_mode
      @run_mode ||= RunMode.new
    end
  end

  class Settings
    def [](name) = Puppet[name]
    def []=(name, value)
      Puppet[name] = value
    end
    def value(name, _env = nil) = Puppet[name]
    def set_value(name, value, _section = nil)
      Puppet[name] = value
    end
    def include?(name) = !Puppet[name].nil?
    def to_h = Puppet::DEFAULT_SETTINGS.to_h { |k, _| [k, Puppet[k]] }
    def use(*_sections); end
  end

  class Features
    def method_missing(name, *_args)
      return false if name.to_s.end_with?('?')

      super
    end

    def respond_to_missing?(name, include_private = false) = name.to_s.end_with?('?') || super
    def add(*_args); end
  end

  class RunMode
    def name = :server
    def server? = true
    def master? = true
    def agent? = false
    def user? = false
  end

  # Puppet 3's resource references: what legacy functions receive for File['/x'].
  class Resource
    attr_reader :title, :parameters

    def initialize(type, title = nil, _attributes = {})
      if title.nil? && type.is_a?(String) && type =~ /\A([^\[]+)\[(.*)\]\z/m
        type = Regexp.last_match(1)
        title = Regexp.last_match(2)
      end
      @type = type.to_s
      @title = title
      @parameters = {}
    end

    def type
      @type.split('::').map(&:capitalize).join('::').then { |t| t.casecmp?('class') ? 'Class' : t }
    end

    def ref = "#{type}[#{@title}]"
    def to_s = ref
    def inspect = ref
    def [](name) = @parameters[name.to_sym]
    def []=(name, value)
      @parameters[name.to_sym] = value
    end
    def to_hash = @parameters.dup
    def ==(other) = other.is_a?(Resource) && other.type == type && other.title == @title
    alias eql? ==
    def hash = [type, @title].hash

    def to_kasper_wire
      %({"\\u0000":"o","k":"resource","t":#{Kasper::Wire.string(@type.downcase)},"n":#{Kasper::Wire.string(@title.to_s)},"s":#{Kasper::Wire.string(to_s)}})
    end
  end

  module Node
    class Environment
      attr_reader :name

      def self.current
        @current ||= new(Puppet[:environment])
      end

      def self.reset(name)
        @current = new(name)
      end

      def initialize(name)
        @name = name.to_s.to_sym
      end

      def to_s = @name.to_s
      def modulepath = Kasper.host('modulepath') || []
      def full_modulepath = modulepath
      def module(name) = Puppet::Module.find(name, self)
      def modules = modulepath.flat_map { |dir| Dir.exist?(dir) ? Dir.children(dir).sort.map { |m| Puppet::Module.new(m, File.join(dir, m), self) } : [] }
      def known_resource_types = nil
    end
  end

  class Module
    attr_reader :name, :path, :environment

    def self.find(name, environment = nil)
      env = environment.is_a?(Puppet::Node::Environment) ? environment : Puppet::Node::Environment.current
      path = Kasper.host('module_path', name.to_s)
      path ? new(name.to_s, path, env) : nil
    end

    def initialize(name, path, environment = nil)
      @name = name
      @path = path
      @environment = environment
    end

    def files = File.join(@path, 'files')
    def templates = File.join(@path, 'templates')
    def lib = File.join(@path, 'lib')
    def manifests = File.join(@path, 'manifests')
    def plugins = lib
    def file(name) = (p = File.join(files, name)) && File.exist?(p) ? p : nil
    def template(name) = (p = File.join(templates, name)) && File.exist?(p) ? p : nil
    def exist? = File.directory?(@path)
  end

  module Parser
    module Files
      module_function

      def find_file(file, _env = nil) = Kasper.host('module_file', file.to_s, 'files')
      def find_template(file, _env = nil) = Kasper.host('module_file', file.to_s, 'templates')
    end
  end

  module Util
    module_function

    def symbolizehash(hash)
      hash.each_with_object({}) { |(k, v), h| h[k.to_s.to_sym] = v }
    end

    def which(bin)
      return (File.executable?(bin) && !File.directory?(bin) ? bin : nil) if bin.include?('/')

      ENV.fetch('PATH', '/usr/sbin:/usr/bin:/sbin:/bin').split(':').each do |dir|
        path = File.join(dir, bin)
        return path if File.executable?(path) && !File.directory?(path)
      end
      nil
    end

    def absolute_path?(path, _platform = nil) = path.is_a?(String) && path.start_with?('/')
    def benchmark(*_args) = yield
    def logmethods(klass, _use_profiler = true)
      Puppet::LOG_LEVELS.each do |level|
        klass.send(:define_method, level) { |*args| Kasper.log(level, args.join(' ')) }
      end
    end

    def deterministic_rand(seed, max)
      Random.new(seed.to_i).rand(max.to_i).to_s
    end

    def deterministic_rand_int(seed, max)
      Random.new(seed.to_i).rand(max.to_i)
    end

    def uri_encode(s) = URI::DEFAULT_PARSER.escape(s)
    def path_to_uri(path) = "file://#{path}"
    def uri_to_path(uri) = uri.to_s.sub(%r{\Afile://}, '')

    def create_erb(content) = ERB.new(content, trim_mode: '-')

    module Package
      module_function

      # Puppet's versioncmp (the one legacy functions reach for): dashes sort before dots, before
      # anything else; digits compare as numbers unless one has a leading zero.
      def versioncmp(version_a, version_b, _ignore_trailing_zeroes = false)
        pieces = /[-.]|\d+|[^-.\d]+/
        ax = version_a.to_s.scan(pieces)
        bx = version_b.to_s.scan(pieces)
        until ax.empty? || bx.empty?
          a = ax.shift
          b = bx.shift
          next if a == b
          return -1 if a == '-'
          return 1 if b == '-'
          return -1 if a == '.'
          return 1 if b == '.'
          if a.match?(/\A\d+\z/) && b.match?(/\A\d+\z/)
            return a.upcase <=> b.upcase if a.start_with?('0') || b.start_with?('0')

            return a.to_i <=> b.to_i
          end
          return a.upcase <=> b.upcase
        end
        version_a.to_s <=> version_b.to_s
      end
    end

    module Execution
      class ProcessOutput < String
        attr_reader :exitstatus
        def initialize(value, exitstatus)
          super(value)
          @exitstatus = exitstatus
        end
      end

      module_function

      def execute(command, options = {})
        cmd = command.is_a?(Array) ? command.map { |c| Shellwords.escape(c.to_s) }.join(' ') : command.to_s
        r = Kasper.host('execute', cmd)
        out = r['stdout'].to_s
        status = r['status']
        if status.nil?
          raise Puppet::ExecutionFailure, "Could not execute '#{cmd}': command not found" unless options[:failonfail] == false
        elsif status != 0 && options[:failonfail] != false
          raise Puppet::ExecutionFailure, "Execution of '#{cmd}' returned #{status}: #{out.strip}"
        end
        ProcessOutput.new(out, status || 127)
      end
    end

    module Json
      class ParseError < StandardError; end
      module_function

      def load(string, options = {})
        JSON.parse(string, options)
      rescue JSON::ParserError => e
        raise ParseError, e.message
      end

      def dump(object, options = {})
        options[:pretty] ? JSON.pretty_generate(object) : JSON.generate(object)
      end
    end

    module Yaml
      class YamlLoadError < Puppet::Error; end
      module_function

      def safe_load(yaml, allowed_classes = [], filename = nil)
        YAML.safe_load(yaml, permitted_classes: allowed_classes, aliases: true, filename: filename)
      rescue Psych::Exception => e
        raise YamlLoadError, e.message
      end

      def safe_load_file(filename, allowed_classes = [])
        safe_load(File.read(filename), allowed_classes, filename)
      end

      def dump(structure, fh = nil)
        YAML.dump(structure, fh)
      end
    end

    module Warnings
      module_function

      def warnonce(message) = Puppet.warn_once(:warning, nil, message)
      def clear_warnings; end
    end

    module Platform
      module_function

      def windows? = false
      def jruby? = false
      def fips_enabled? = false
      def default_paths = %w[/usr/sbin /sbin /usr/bin /bin]
    end

    module Profiler
      module_function

      def profile(*_args) = yield
    end

    module Logging
      Puppet::LOG_LEVELS.each do |level|
        define_method(level) { |*args| Kasper.log(level, args.join(' ')) }
      end
      def warn_once(*args) = Puppet.warn_once(*args)
      def deprecation_warning(message, _key = nil) = Puppet.deprecation_warning(message)
      def log_exception(exception, message = :default, _options = {}) = Puppet.log_exception(exception, message)
    end

    module Log
      module_function

      def levels = Puppet::LOG_LEVELS
    end
  end

  module GettextConfig
    module_function

    def translations_loaded? = false
  end

  module Pops
    MAX_INTEGER = 0x7fffffffffffffff
    MIN_INTEGER = -0x8000000000000000

    module Time
      # Puppet's Timestamp: nanoseconds since the epoch (its only instance variable, so that
      # inspect looks as Puppet's does).
      class Timestamp
        attr_reader :nsecs

        def self.from_text(text)
          t = ::Time.strptime(text.sub(/\.(\d+) UTC\z/) { ".#{Regexp.last_match(1)[0, 9]} UTC" }, '%Y-%m-%dT%H:%M:%S.%N %Z') rescue ::Time.parse(text)
          new(t.to_i * 1_000_000_000 + t.nsec)
        end

        def initialize(nsecs)
          @nsecs = nsecs
        end

        def to_s = ::Time.at(@nsecs / 1_000_000_000, @nsecs % 1_000_000_000, :nsec).utc.strftime('%Y-%m-%dT%H:%M:%S.%N UTC')
        def format(*_args) = to_s
        def ==(other) = other.is_a?(Timestamp) && other.nsecs == @nsecs
        def to_kasper_wire = %({"\\u0000":"o","k":"timestamp","s":#{Kasper::Wire.string(to_s)}})
      end
    end

    module Types
      # A Puppet type the host owns; Ruby sees its string form (Integer[1, 10]) and its class
      # (Puppet::Pops::Types::PIntegerType), made on demand for the type's name.
      class PAnyType
        def self.from_host(text, name = nil)
          base = (name || text[/\A[A-Z][A-Za-z]*/] || 'Any').to_s
          cname = "P#{base}Type"
          klass = if Types.const_defined?(cname, false) && Types.const_get(cname, false) <= PAnyType
                    Types.const_get(cname, false)
                  elsif cname.match?(/\AP[A-Z][A-Za-z]*Type\z/)
                    Types.const_set(cname, Class.new(PAnyType))
                  else
                    PAnyType
                  end
          t = klass.allocate
          t.instance_variable_set(:@kasper_text, text)
          t
        end

        def initialize(text = nil)
          @kasper_text = text || self.class.name.to_s.split('::').last.sub(/\AP/, '').sub(/Type\z/, '')
        end

        def name = to_s[/\A[A-Za-z:]+/]
        def to_s = @kasper_text
        def inspect = "#<#{self.class.name} #{to_s}>"
        def ==(other) = other.is_a?(PAnyType) && other.to_s == to_s
        alias eql? ==
        def hash = to_s.hash

        def instance?(value, _guard = nil)
          Kasper.host_value('is_instance', to_s, value)
        end

        def assignable?(other, _guard = nil)
          Kasper.host('is_assignable', to_s, other.to_s)
        end

        def to_kasper_wire = %({"\\u0000":"o","k":"type","s":#{Kasper::Wire.string(to_s)}})
      end

      # Resource references keep Puppet's instance variables, so they inspect as Puppet's do.
      class PResourceType < PAnyType
        attr_reader :type_name, :title

        def initialize(type_name = nil, title = nil, _text = nil)
          @type_name = type_name && type_name.split('::').map(&:capitalize).join('::')
          @title = title
          @downcased_name = type_name&.downcase
        end

        def to_s
          if @type_name.nil? then 'Resource'
          elsif @title.nil? then @type_name
          else "#{@type_name}['#{@title.gsub(/\\(?=\\|'|\z)/) { '\\\\' }.gsub("'") { "\\'" }}']"
          end
        end

        def inspect = Kernel.instance_method(:inspect).bind_call(self)

        def to_kasper_wire
          %({"\\u0000":"o","k":"resource","t":#{@downcased_name.nil? ? 'null' : Kasper::Wire.string(@downcased_name)},"n":#{@title.nil? ? 'null' : Kasper::Wire.string(@title.to_s)},"s":#{Kasper::Wire.string(to_s)}})
        end
      end

      class PClassType < PAnyType
        attr_reader :class_name

        def initialize(class_name = nil, _text = nil)
          @class_name = class_name
        end

        def to_s = @class_name ? "Class[#{@class_name}]" : 'Class'
        def inspect = Kernel.instance_method(:inspect).bind_call(self)

        def to_kasper_wire
          %({"\\u0000":"o","k":"class","n":#{@class_name.nil? ? 'null' : Kasper::Wire.string(@class_name)},"s":#{Kasper::Wire.string(to_s)}})
        end
      end

      class PSensitiveType < PAnyType
        class Sensitive
          def initialize(value)
            @value = value
          end

          def unwrap = @value
          def to_s = 'Sensitive [value redacted]'
          def inspect = "#<#{self}>"
          def hash = @value.hash
          def ==(other) = other.is_a?(Sensitive) && other.unwrap == @value
          alias eql? ==

          def to_kasper_wire
            %({"\\u0000":"s","v":#{Kasper::Wire.dump(@value)}})
          end
        end
      end

      class PBinaryType < PAnyType
        class Binary
          attr_reader :binary_buffer

          def self.from_base64_strict(str) = new(str.unpack1('m0'))
          def self.from_base64(str) = new(str.unpack1('m'))
          def self.from_binary_string(bin) = new(bin)
          def self.from_string(str) = new(str.dup.force_encoding(Encoding::BINARY))

          def initialize(bin)
            @binary_buffer = bin.dup.force_encoding(Encoding::BINARY).freeze
          end

          def to_s = [@binary_buffer].pack('m0')
          def length = @binary_buffer.bytesize
          def ==(other) = other.is_a?(Binary) && other.binary_buffer == @binary_buffer
          def to_kasper_wire = %({"\\u0000":"o","k":"binary","s":#{Kasper::Wire.string(to_s)}})
        end
      end

      %w[String Integer Float Boolean Array Hash Undef].each do |n|
        const_set("P#{n}Type", Class.new(PAnyType)).const_set(:DEFAULT, PAnyType.from_host(n))
      end
      PAnyType.const_set(:DEFAULT, PAnyType.from_host('Any'))

      class TypeParser
        def self.singleton = (@singleton ||= new)
        def parse(text, _context = nil) = PAnyType.from_host(Kasper.host('parse_type', text.to_s))
        def parse_literal(text, _context = nil) = parse(text)
      end

      module TypeCalculator
        module_function

        def infer(value) = PAnyType.from_host(Kasper.host_value('infer_type', 'reduced', value))
        def infer_set(value)
          t = PAnyType.from_host(Kasper.host_value('infer_type', 'detailed', value))
          # kept for TypeMismatchDescriber, which Kasper asks about the value itself
          t.instance_variable_set(:@kasper_value, value)
          t
        end
        def generalize(type) = PAnyType.from_host(Kasper.host('generalize_type', type.to_s))
        def instance?(type, value) = Kasper.host_value('is_instance', type.to_s, value)
        def assignable?(t1, t2) = Kasper.host('is_assignable', t1.to_s, t2.to_s)
        def string(type) = type.to_s
        def self.singleton = self
      end

      # How a value fails a type, in the host's words ("expects an Integer value, got String").
      class TypeMismatchDescriber
        def self.singleton = (@singleton ||= new)

        def describe_mismatch(name, expected, actual, _tense = nil)
          if actual.instance_variable_defined?(:@kasper_value)
            "#{name} #{Kasper.host_value('describe_mismatch', expected.to_s, actual.instance_variable_get(:@kasper_value))}"
          else
            "#{name} expects #{expected.to_s =~ /\A[AEIOU]/ ? 'an' : 'a'} #{expected} value, got #{actual.to_s[/\A[A-Z][A-Za-z:]*/] || actual}"
          end
        end
      end

      module TypeFactory
        module_function

        def string = PStringType::DEFAULT
        def integer = PIntegerType::DEFAULT
        def float = PFloatType::DEFAULT
        def boolean = PBooleanType::DEFAULT
        def any = PAnyType::DEFAULT
        def undef = PUndefType::DEFAULT
        def array_of_any = PArrayType::DEFAULT
        def hash_of_any = PHashType::DEFAULT
        def resource(type_name = nil, title = nil) = PResourceType.new(type_name, title)
        def host_class(name = nil) = PClassType.new(name)
      end

      # Iterable.asserted_iterable(self, value): an enumerator over what Puppet iterates.
      module Iterable
        class Enum
          include Enumerable

          def initialize(value)
            @value = value
            @pos = 0
          end

          def hash_style? = @value.is_a?(Hash)
          def each(&block)
            if @value.is_a?(Hash) then @value.each_pair { |k, v| block.call([k, v]) }
            elsif @value.is_a?(Integer) then @value.times(&block)
            elsif @value.is_a?(String) then @value.each_char(&block)
            else @value.each(&block)
            end
            self
          end

          def next
            @items ||= to_a
            raise StopIteration if @pos >= @items.size

            item = @items[@pos]
            @pos += 1
            item
          end

          def step(n) = each_slice(n).map(&:first)
          def reverse_each(&block) = to_a.reverse_each(&block)
        end

        def self.on(value, _infer = nil)
          return nil unless value.is_a?(Array) || value.is_a?(Hash) || value.is_a?(String) || value.is_a?(Integer) || value.respond_to?(:each)

          Enum.new(value)
        end

        def self.asserted_iterable(_caller, value, _infer = nil)
          on(value) || raise(ArgumentError, "#{value.class} is not iterable")
        end
      end
    end

    module Serialization
      class ToDataConverter
        def self.convert(value, _options = {}) = value
      end

      class FromDataConverter
        def self.convert(value, _options = {}) = value
      end
    end

    module PuppetStack
      module_function

      def top_of_stack = []
      def stacktrace = []
    end

    module Evaluator
      module Runtime3Support; end
    end
  end

  module Parser
    # The scope a legacy function, a template or a modern function's closure sees.
    class Scope
      include Puppet::Util::Logging

      attr_reader :kasper_id

      def initialize(id = nil)
        @kasper_id = id
      end

      # Puppet::Util::Errors#fail, as functions call it: a Puppet::Error unless a class is given.
      def fail(*args)
        type = args.first.is_a?(Class) ? args.shift : Puppet::Error
        raise type, args.join(' ')
      end

      def devfail(message) = raise(Puppet::DevError, message)

      def lookupvar(name, _options = {})
        unless name.is_a?(String)
          raise Puppet::ParseError, "Scope variable name #{name.inspect} is a #{name.class}, not a string"
        end

        Kasper.host('lookup', name)
      end

      def [](name, _options = {}) = lookupvar(name)

      def []=(name, value, _ = nil)
        container = (value.is_a?(Hash) || value.is_a?(Array)) && !value.frozen?
        id = Kasper.host('setvar', name.to_s, Kasper::Wire.dump(value), container ? 'keep' : '')
        # the variable's value is this very object from now on, as under Puppet
        Kasper.kept_set(id, value) if id
        value
      end
      alias setvar []=

      def include?(name) = !lookupvar(name.to_s).nil?
      def exist?(name) = Kasper.host('exist', name.to_s)
      alias bound? exist?

      def to_hash(_recursive = true, _include_undef = false)
        Kasper.host('variables_hash')
      end

      def call_function(name, args = [], &block)
        Kasper.call_host_function(name.to_s, args, block)
      end

      def method_missing(method, *args, &block)
        name = method.to_s
        if name.start_with?('function_')
          fname = name.delete_prefix('function_')
          unless args.size == 1 && args[0].is_a?(Array)
            raise ArgumentError, 'custom functions must be called with a single array that contains the arguments. For example, function_example([1]) instead of function_example(1)'
          end

          return Kasper.call_legacy_or_host(fname, args[0], block)
        end
        super
      end

      def respond_to_missing?(method, include_private = false)
        method.to_s.start_with?('function_') || super
      end

      def environment = Puppet::Node::Environment.current
      def compiler = @compiler ||= Compiler.new(self)
      def catalog = compiler.catalog
      def facts = lookupvar('facts')
      def findresource(type, title = nil) = catalog.resource(type, title)
      def tags = Kasper.host('tags') || []
      def source = nil
      def resource = nil
      def parent_module_name = Kasper.host('module_name')
      def to_s = 'Scope()'
      def inspect = '#<Puppet::Parser::Scope>'
      def self.number?(value) = value.is_a?(Numeric) ? value : (Integer(value) rescue (Float(value) rescue nil))
      def self.true?(value) = !(value.nil? || value == false || value == '' || value == :undef)
    end

    class Compiler
      attr_reader :topscope

      def initialize(scope)
        @topscope = scope
      end

      def environment = Puppet::Node::Environment.current
      def catalog = @catalog ||= Catalog.new
      def node = Node.new
      def loaders = nil
    end

    class Node
      def name = Kasper.host('lookup', 'trusted').then { |t| t.is_a?(Hash) ? t['certname'] : nil } || Kasper.host('lookup', 'clientcert')
      def facts = Kasper.host('lookup', 'facts')
      def parameters = facts || {}
      def environment = Puppet::Node::Environment.current
    end

    class Catalog
      def classes = Kasper.host('classes') || []
      def tags = Kasper.host('all_tags') || []

      def resource(type, title = nil)
        if title.nil?
          ref = type.to_s
          m = /\A([^\[]+)\[(.*)\]\z/m.match(ref)
          return nil unless m

          type, title = m[1], m[2]
        end
        found = Kasper.host('find_resource', type.to_s, title.to_s)
        return nil unless found

        res = Puppet::Resource.new(found['type'], found['title'])
        (found['parameters'] || {}).each { |k, v| res[k] = v }
        res
      end

      alias findresource resource
    end
  end
end

module Kasper
  class << self
    # Calls a function of the compilation from Ruby: one in Ruby runs here (Functions.call_in_ruby),
    # any other (Kasper's own, one in Puppet) is called by the host.
    def call_host_function(name, args, block, legacy = false)
      raise ArgumentError, 'call_function: the arguments must be an Array' unless args.is_a?(Array)

      done = Functions.call_in_ruby(name, args, block, legacy)
      return done[0] if done

      block_id = block ? register_block(block) : nil
      begin
        host('call_function', name, Wire.dump(args), block_id.to_s, legacy ? 'legacy' : '')
      rescue HostError => e
        jump = e.jump && jumps[e.jump]
        raise unless jump
        raise jump unless jump.block_id == block_id

        jumps.delete(e.jump)
        # The block broke out (or threw): the call ends here, as it would have under Puppet.
        jump.kind == :throw ? throw(jump.value[0], jump.value[1]) : jump.value
      end
    ensure
      release_block(block_id) if block_id
    end

    def jumps = (@jumps ||= {})

    def remember_jump(jump)
      @next_jump = (@next_jump || 0) + 1
      jumps[@next_jump] = jump
      @next_jump
    end

    # scope.function_x([...]): the Puppet 3 way of calling a function (Puppet 3 functions first).
    def call_legacy_or_host(name, args, block)
      call_host_function(name, args, block, true)
    end

    def register_block(block)
      @blocks ||= {}
      @next_block = (@next_block || 0) + 1
      @blocks[@next_block] = block
      @next_block
    end

    def release_block(id)
      @blocks.delete(id)
    end

    def block(id) = @blocks && @blocks[id]
  end

  Entry.define('call_block') do |req|
    blk = Kasper.block(req['id'])
    raise ArgumentError, 'the block is no longer available' unless blk

    args = Wire.revive(req['args'])
    begin
      blk.call(*args)
    rescue LocalJumpError => e
      raise unless e.reason == :break

      raise Jump.new(req['id'], :break, e.exit_value)
    rescue UncaughtThrowError => e
      raise Jump.new(req['id'], :throw, [e.tag, e.value])
    end
  end
end
