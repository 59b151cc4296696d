# Puppet::Type.newtype as a recorder: loading lib/puppet/type/NAME.rb runs the type's DSL
# (newparam, newproperty, ensurable, feature, newvalues, title_patterns...) and keeps what the
# compiler needs to check a declaration: the parameter and property names, the namevars, the
# title patterns, the features. Blocks that only matter when a resource is applied (validate,
# munge, insync?, autorequire...) are kept, never run.
module Puppet
  class Parameter
    class << self
      attr_reader :name, :values, :default_block, :value_aliases
      attr_accessor :doc, :required_features, :metaparam

      def initparam(name, options = {})
        @name = name.to_sym
        @isnamevar = false
        @isrequired = false
        @values = []
        @regexes = []
        @value_aliases = {}
        @options = options
        @doc = ''
      end

      def desc(text) = (@doc = text.to_s)
      def doc = @doc || ''
      def isnamevar = (@isnamevar = true)
      def isnamevar? = @isnamevar || false
      def isrequired = (@isrequired = true)
      def required? = @isrequired || false
      def defaultto(value = nil, &block) = (@default_block = block || value)
      def validate(&block) = (@validate = block)
      def munge(&block) = (@munge = block)
      def unmunge(&block) = (@unmunge = block)
      def newvalues(*names)
        names.flatten.each { |n| n.is_a?(Regexp) ? (@regexes ||= []) << n : (@values ||= []) << n }
      end
      def newvalue(name, _options = {}, &_block) = newvalues(name)
      def aliasvalue(name, other) = ((@value_aliases ||= {})[name] = other)
      def value_collection = self
      def regexes = @regexes || []
      def proxymethods(*_names); end
      def nodefault; end
      def array_matching(mode = nil) = (@array_matching = mode)
      def should_to_s(*) = nil
      def sensitive(value = true) = (@sensitive = value)
      def options = @options || {}
      def to_s = name.to_s
    end

    attr_accessor :resource, :value, :should

    def initialize(resource: nil, value: nil, **_rest)
      @resource = resource
      @value = value
    end

    def name = self.class.name
    def devfail(message) = raise(Puppet::DevError, message)
    def fail(*args) = raise(Puppet::Error, args.join(' '))
    def provider = @resource&.provider
    Puppet::LOG_LEVELS.each { |level| define_method(level) { |*args| Kasper.log(level, args.join(' ')) } }

    # Puppet's stock parameter kinds that types reuse as parents.
    class Boolean < Parameter; end
    class Path < Parameter
      def self.accept_arrays(value = true) = (@accept_arrays = value)
    end
    class Package < Parameter; end
    class ValueCollection; end
  end

  class Property < Parameter
    class << self
      def newvalue(name, options = {}, &block)
        super
        @value_options ||= {}
        @value_options[name] = options
        @value_blocks ||= {}
        @value_blocks[name] = block
      end
    end

    def should=(value)
      @should = value.is_a?(Array) ? value : [value]
    end

    def should = @should.is_a?(Array) ? @should.first : @should
    def insync?(is) = is == should
    def retrieve = nil

    class Ensure < Property
      def self.defaultvalues
        newvalue(:present)
        newvalue(:absent)
        aliasvalue(:false, :absent) rescue nil
        defaultto :present
      end
    end

    class Boolean < Property; end
    class List < Property
      def delimiter = ','
    end
    class OrderedList < List; end
    class KeyValue < Property; end
  end

  class Type
    @types = {}

    class << self
      attr_reader :name, :parameters_list, :properties_list, :features_list, :doc, :metaparams_list

      def types = (Type.instance_variable_get(:@types))

      def newtype(name, options = {}, &block)
        name = name.to_sym
        parent = options.is_a?(Hash) && options[:parent] ? options[:parent] : Type
        klass = Class.new(parent)
        klass.init_type(name)
        const = name.to_s.capitalize # Puppet's class names: Puppet::Type::File_line
        begin
          Type.send(:remove_const, const) if Type.const_defined?(const, false)
          Type.const_set(const, klass)
        rescue NameError
          nil
        end
        types[name] = klass
        Kasper::Types.created(klass)
        klass.class_eval(&block) if block
        klass.ensurable if !klass.validproperty?(:ensure) && klass.ensurable?
        klass
      end

      # Puppet::Type::File and the like: Puppet's own types, named as constants.
      def const_missing(name)
        key = name.to_s.downcase.to_sym
        return Kasper::Types.core_type(key) if self == Puppet::Type && Kasper::Types::CORE.key?(key)

        super
      end

      # Puppet::Type.newpackage(...) and the like: an instance (custom facts make one to ask which
      # provider Puppet would choose).
      def method_missing(name, *args, &block)
        m = /\Anew([a-z_]+)\z/.match(name.to_s)
        t = m && (Puppet::Type.types[m[1].to_sym] || (Kasper::Types::CORE.key?(m[1].to_sym) && Puppet::Type.type(m[1])))
        if t
          return t.new(*args)
        end

        super
      end

      def respond_to_missing?(name, include_private = false)
        m = /\Anew([a-z_]+)\z/.match(name.to_s)
        (m && (Puppet::Type.types.key?(m[1].to_sym) || Kasper::Types::CORE.key?(m[1].to_sym))) || super
      end

      # Puppet::Type.type(:file): a type loaded here, else a stand-in for Puppet's own types.
      def type(name)
        name = name.to_s.downcase.to_sym
        types[name] || Kasper::Types.core_type(name)
      end

      def init_type(name)
        @name = name
        @parameters_list = []
        @properties_list = []
        @metaparams_list = []
        @features_list = []
        @doc = ''
        @title_patterns_defined = false
      end

      def desc(text) = (@doc = text.to_s)
      def doc=(text)
        @doc = text.to_s
      end

      def attr_class(name, parent, options, block)
        klass = Class.new(parent)
        klass.initparam(name, options)
        klass.doc = ''
        klass.class_eval(&block) if block
        klass.isnamevar if options[:namevar]
        klass.required_features = options[:required_features] if options[:required_features]
        # As Puppet names them: Puppet::Type::File::Owner, Puppet::Type::File::ParameterPath.
        const = "#{parent <= Puppet::Property ? '' : 'Parameter'}#{name.to_s.capitalize}"
        begin
          send(:remove_const, const) if const_defined?(const, false)
          const_set(const, klass)
        rescue NameError
          nil
        end
        klass
      end

      def newparam(name, options = {}, &block)
        options = {} unless options.is_a?(Hash)
        name = name.to_sym
        parent = options[:parent] || (options[:boolean] ? Puppet::Parameter::Boolean : Puppet::Parameter)
        klass = attr_class(name, parent, options, block)
        @parameters_list.reject! { |p| p.name == name }
        @parameters_list << klass
        klass
      end

      def newproperty(name, options = {}, &block)
        options = {} unless options.is_a?(Hash)
        name = name.to_sym
        parent = options[:parent] || Puppet::Property
        parent = Puppet::Property unless parent <= Puppet::Parameter
        klass = attr_class(name, parent, options, block)
        @properties_list.reject! { |p| p.name == name }
        name == :ensure ? @properties_list.unshift(klass) : @properties_list << klass
        klass
      end

      def newmetaparam(name, options = {}, &block)
        klass = attr_class(name.to_sym, options[:parent] || Puppet::Parameter, options, block)
        @metaparams_list << klass
        klass
      end

      def ensurable(&block)
        if block
          newproperty(:ensure, parent: Puppet::Property::Ensure, &block)
        else
          newproperty(:ensure, parent: Puppet::Property::Ensure) { defaultvalues }
        end
      end

      def ensurable?
        %i[exists? create destroy].all? { |m| public_method_defined?(m) }
      end

      def feature(name, doc = '', options = {})
        @features_list << { 'name' => name.to_s, 'doc' => doc.to_s, 'methods' => Array(options[:methods]).map(&:to_s) }
      end

      def validproperty?(name) = @properties_list.any? { |p| p.name == name.to_sym }
      def validparameter?(name) = @parameters_list.any? { |p| p.name == name.to_sym }
      def validattr?(name) = validproperty?(name) || validparameter?(name) || Kasper::Types::METAPARAMS.include?(name.to_s)
      def valid_parameter?(name) = validattr?(name)
      def parameters = @parameters_list.map(&:name)
      def properties = @properties_list
      def validproperties = @properties_list.map(&:name)
      def allattrs = (key_attributes | (parameters & [:provider]) | validproperties | parameters)
      def attrclass(name) = (@parameters_list + @properties_list + @metaparams_list).find { |p| p.name == name.to_sym }
      alias paramclass attrclass
      def propertybyname(name) = @properties_list.find { |p| p.name == name.to_sym }
      def attrtype(name) = validproperty?(name) ? :property : (validparameter?(name) ? :param : nil)

      def key_attribute_parameters
        @parameters_list.select { |p| p.isnamevar? || p.name == :name }
      end

      def key_attributes = key_attribute_parameters.map(&:name)

      def title_patterns
        case key_attributes.size
        when 0 then []
        when 1 then [[/(.*)/m, [[key_attributes.first]]]]
        else raise Puppet::DevError, 'you must specify title patterns when there are two or more key attributes'
        end
      end

      # What happens only when resources are applied: recorded, never run here.
      def autorequire(name, &block) = ((@autos ||= {})[[:require, name]] = block)
      def autobefore(name, &block) = ((@autos ||= {})[[:before, name]] = block)
      def autosubscribe(name, &block) = ((@autos ||= {})[[:subscribe, name]] = block)
      def autonotify(name, &block) = ((@autos ||= {})[[:notify, name]] = block)
      def validate(&block) = (@validate = block)
      def newcheck(name, options = {}, &block) = newparam(name, options, &block)
      def provide(name, _options = {}, &_block) = ((@provider_names ||= []) << name.to_sym)
      def providers = @provider_names || []
      def providify; end
      def defaultprovider = nil
      def provider(_name = nil) = nil
      def apply_to_all = nil
      def apply_to_host = nil
      def apply_to_device = nil
      def isomorphic? = true
      def instances = []
      def handle_param_options(*_args); end
      def relationship_params = []
      def metaparams = Kasper::Types::METAPARAMS.map(&:to_sym)
      def metaparam?(name) = Kasper::Types::METAPARAMS.include?(name.to_s)
      def to_s = "Puppet::Type::#{name.to_s.capitalize}"
      def instance_of_type? = true

      # Lets `def self.title_patterns` in a type be read back.
      def title_patterns_overridden? = singleton_class.instance_method(:title_patterns).owner == singleton_class
    end

    # Instances exist only when Ruby code builds one on purpose (Puppet::Type.type(:x).new(...)).
    def initialize(hash = {})
      @params = {}
      hash.each { |k, v| @params[k.to_sym] = v }
    end

    def [](name)
      key = name.to_sym
      return @params[key] if @params.key?(key)
      return Kasper.host('default_provider', self.class.name.to_s)&.to_sym if key == :provider

      nil
    end

    def []=(name, value)
      @params[name.to_sym] = value
    end
    def name = @params[:name] || @params[:title]
    def title = @params[:title] || name
    def provider = nil
    def catalog = nil
    def to_s = "#{self.class.name.to_s.split('_').map(&:capitalize).join}[#{title}]"
    def fail(*args) = raise(Puppet::Error, args.join(' '))
    def devfail(message) = raise(Puppet::DevError, message)
    def should(_name) = nil
    def parameter(name) = @params[name.to_sym]
    def original_parameters = @params
    Puppet::LOG_LEVELS.each { |level| define_method(level) { |*args| Kasper.log(level, args.join(' ')) } }
  end
end

module Kasper
  module Types
    METAPARAMS = %w[alias audit before consume export loglevel noop notify require schedule stage subscribe tag].freeze

    # Puppet's own types, as far as module types reach into them (Puppet::Type.type(:file)...).
    CORE = {
      file: { params: %i[path backup recurse recurselimit max_files replace force ignore links purge sourceselect show_diff validate_cmd validate_replacement checksum staging_location source_permissions],
              props: %i[ensure content source target owner group mode seluser selrole seltype selrange ctime mtime type checksum_value], namevar: :path },
      package: { params: %i[name command configfiles adminfile allow_virtual allowcdrom category description install_only install_options instance platform reinstall_on_refresh responsefile source status type uninstall_options vendor],
                 props: %i[ensure package_settings flavor mark], namevar: :name },
      service: { params: %i[name binary control hasrestart hasstatus manifest path pattern restart start status stop timeout],
                 props: %i[ensure enable flags], namevar: :name },
      exec: { params: %i[command creates cwd environment group logoutput onlyif path refresh refreshonly timeout tries try_sleep umask unless user],
              props: %i[returns], namevar: :command },
    }.freeze

    @created = nil

    class << self
      def created(klass)
        @created << klass if @created
      end

      def capture
        outer = @created
        @created = []
        yield
        @created
      ensure
        @created = outer
      end

      def core_type(name)
        @core ||= {}
        @core[name] ||= begin
          spec = CORE[name] || { params: %i[name], props: %i[ensure], namevar: :name }
          klass = Class.new(Puppet::Type)
          klass.init_type(name)
          spec[:params].each { |p| klass.newparam(p, namevar: p == spec[:namevar]) }
          spec[:props].each { |p| klass.newproperty(p) }
          const = name.to_s.capitalize
          Puppet::Type.const_set(const, klass) unless Puppet::Type.const_defined?(const, false)
          klass
        end
      end

      def pattern_text(re)
        re.is_a?(Regexp) ? re.source : re.to_s
      end

      def describe(klass, providers)
        params = klass.parameters_list.map(&:name)
        params << :provider if providers && !params.include?(:provider)
        patterns = nil
        begin
          patterns = klass.title_patterns.map do |(re, fields)|
            {
              'pattern' => pattern_text(re),
              'options' => re.is_a?(Regexp) ? re.options : 0,
              'fields' => Array(fields).map { |f| Array(f).first.to_s },
            }
          end
        rescue StandardError => e
          patterns = { 'error' => e.message }
        end
        {
          'name' => klass.name.to_s,
          'parameters' => params.map(&:to_s),
          'properties' => klass.properties_list.map { |p| p.name.to_s },
          'namevars' => klass.key_attributes.map(&:to_s),
          'titlePatterns' => patterns,
          'features' => klass.features_list,
          'metaparams' => klass.metaparams_list.map { |p| p.name.to_s },
          'doc' => klass.doc.to_s,
          'attributes' => (klass.parameters_list + klass.properties_list).to_h do |p|
            [p.name.to_s, {
              'kind' => p <= Puppet::Property ? 'property' : 'parameter',
              'values' => (p.values || []).map(&:to_s),
              'regexes' => p.regexes.map(&:source),
              'requiredFeatures' => Array(p.required_features).map(&:to_s),
              'boolean' => p <= Puppet::Parameter::Boolean || p <= Puppet::Property::Boolean,
            }]
          end,
        }
      end
    end
  end

  # req: source, path, providers (true when the type has providers)
  Entry.define('load_type') do |req|
    created = Types.capture do
      Kernel.eval(req['source'], TOPLEVEL_BINDING, req['path'], 1)
    end
    raise Puppet::Error, "#{req['path']} defines no type (no Puppet::Type.newtype)" if created.empty?

    created.map { |k| Types.describe(k, req['providers']) }
  end
end
