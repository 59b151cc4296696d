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
  # every later rendering is a method call.
  module Templates
    LIMIT = 2000
    @methods = {}
    @count = 0

    class << self
      def method_for(source, file)
        key = [file, source]
        name = @methods[key]
        return name if name

        clear if @methods.size >= LIMIT
        @count += 1
        name = :"__kasper_template_#{@count}"
        erb = ERB.new(source, trim_mode: '-')
        erb.filename = file || '(erb)'
        erb.def_method(Puppet::Parser::TemplateWrapper, name.to_s, erb.filename)
        @methods[key] = name
      end

      def clear
        @methods.each_value { |m| Puppet::Parser::TemplateWrapper.send(:remove_method, m) rescue nil }
        @methods.clear
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

  # req: source, file, vars (name => value on the wire, special), frozen (names not to track)
  Entry.define('erb') do |req|
    vars = req['vars'] || {}
    vars = Wire.revive(vars) if req['special']
    wrapper = Puppet::Parser::TemplateWrapper.new(Puppet::Parser::Scope.new, req['file'])
    before = {}
    vars.each do |name, value|
      realname = name.gsub(/[^\w]/, '_')
      wrapper.instance_variable_set(:"@#{realname}", value)
      before[name] = Wire.dump(value) if MUTABLE.(value)
    end
    method = Templates.method_for(req['source'], req['file'])
    out = wrapper.send(method)
    changed = {}
    before.each do |name, dumped|
      value = vars[name]
      changed[name] = value if Wire.dump(value) != dumped
    end
    { 'out' => out.to_s, 'changed' => changed }
  end
end
