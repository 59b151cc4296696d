# Loading module code: `require` looks in the modules' lib folders first (through the host, which
# reads the files), then treats Puppet's and Facter's own files as loaded (this shim is them),
# then falls back to Ruby's standard library. Also the few standard libraries that a WebAssembly
# Ruby 3.4 lacks but Puppet 7's Ruby had: base64 (a bundled gem since 3.4) and socket's
# constants (for ipaddr).
module Kasper
  # Names this shim stands for: requiring them loads nothing.
  SHIM_FEATURES = %r{\A(puppet|facter|hiera|semantic_puppet)(/|\z)|\Apuppet_x\z}

  @loaded_files = {}

  class << self
    # The line in `path` where `exception` happened (its backtrace, or a syntax error's message).
    def line_in(exception, path)
      return nil if path.nil?

      prefix = "#{path}:"
      found = (exception.backtrace || []).find { |l| l.start_with?(prefix) }
      found ||= exception.message.lines.find { |l| l.start_with?(prefix) } if exception.is_a?(SyntaxError)
      found ? found.delete_prefix(prefix)[/\A\d+/]&.to_i : nil
    end

    def load_module_file(name, from)
      return nil if BRIDGE.nil? # while the shim itself loads

      hit = host('require', name, from.to_s, JSON.generate(extra_load_path))
      return nil unless hit

      path = hit['path']
      return false if @loaded_files[path]

      @loaded_files[path] = true
      begin
        Kernel.eval(hit['source'], TOPLEVEL_BINDING, path, 1)
      rescue Exception # rubocop:disable Lint/RescueException
        @loaded_files.delete(path)
        raise
      end
      true
    end

    # Folders module code added to $LOAD_PATH itself.
    def extra_load_path
      $LOAD_PATH.map(&:to_s).reject { |d| d.start_with?('/usr/local/lib/ruby', '/bundle') }
    end

    def shim_feature?(name)
      name = name.to_s.delete_suffix('.rb')
      SHIM_FEATURES.match?(name)
    end
  end
end

module Kernel
  alias kasper_original_require require
  alias kasper_original_require_relative require_relative

  def require(name)
    name = name.to_path if name.respond_to?(:to_path)
    name = name.to_s
    from = caller_locations(1, 1)&.first&.path
    loaded = Kasper.load_module_file(name, from)
    return loaded unless loaded.nil?
    return false if Kasper.shim_feature?(name)

    kasper_original_require(name)
  end

  def require_relative(name)
    from = caller_locations(1, 1)&.first&.path
    base = from && from.start_with?('/') ? File.dirname(from) : Dir.pwd
    path = File.expand_path(name.to_s, base)
    loaded = Kasper.load_module_file(path, from)
    return loaded unless loaded.nil?
    return false if Kasper.shim_feature?(path.sub(%r{\A.*/lib/}, ''))

    kasper_original_require(path)
  end

  module_function :require, :require_relative
end

# Ruby 3.1, which Puppet 7 runs on, still had these names for Integer (legacy functions test
# `value.is_a?(Fixnum)`).
Fixnum = Integer unless defined?(Fixnum)
Bignum = Integer unless defined?(Bignum)

# Removed in Ruby 3.2; module code written for Puppet 7's Ruby still calls them.
class << File
  alias_method :exists?, :exist? unless method_defined?(:exists?)
end
class << Dir
  alias_method :exists?, :exist? unless method_defined?(:exists?)
end

# WASI has no execute permission to test: the host answers (custom facts test for commands).
class << File
  def executable?(path) = Kasper::BRIDGE.nil? ? false : Kasper.host('executable', File.expand_path(path.to_s)) == true
  alias_method :executable_real?, :executable?
end
class << FileTest
  def executable?(path) = File.executable?(path)
end

# WASI cannot start processes: backticks, system and Open3 run commands through the host (as
# under Puppet, on the machine Kasper runs on). $? cannot be set from Ruby; it stays as it was.
module Kasper
  class Status
    attr_reader :exitstatus, :pid

    def initialize(code)
      @exitstatus = code
      @pid = 0
    end

    def success? = @exitstatus.zero?
    def exited? = true
    def signaled? = false
    def to_i = @exitstatus << 8
    def inspect = "#<Process::Status: pid 0 exit #{@exitstatus}>"
    def to_s = "pid 0 exit #{@exitstatus}"
  end

  def self.spawn(cmd, stdin = nil)
    argv = cmd.flatten.map(&:to_s)
    argv = argv.first if argv.size == 1
    r = host('spawn', JSON.generate(argv), stdin.to_s)
    raise Errno::ENOENT, Array(argv).first.to_s if r.nil?

    [r['stdout'].to_s, r['stderr'].to_s, Status.new(r['status'].to_i)]
  end
end

module Kernel
  def `(cmd)
    Kasper.spawn([cmd])[0]
  end

  def system(*cmd)
    cmd.shift if cmd.first.is_a?(Hash)
    cmd.pop if cmd.last.is_a?(Hash)
    out, err, status = Kasper.spawn(cmd)
    $stdout.write(out)
    $stderr.write(err)
    status.success?
  rescue Errno::ENOENT
    nil
  end
  module_function :`, :system
end

module Open3
  module_function

  def capture3(*cmd, stdin_data: nil, **_opts)
    cmd.shift if cmd.first.is_a?(Hash)
    Kasper.spawn(cmd, stdin_data)
  end

  def capture2(*cmd, stdin_data: nil, **opts)
    out, _err, status = capture3(*cmd, stdin_data: stdin_data, **opts)
    [out, status]
  end

  def capture2e(*cmd, stdin_data: nil, **opts)
    out, err, status = capture3(*cmd, stdin_data: stdin_data, **opts)
    [out + err, status]
  end
end
$LOADED_FEATURES << 'open3.rb'

# Ruby 3.4 moved base64 to the bundled gems, which this Ruby does not carry.
unless defined?(Base64)
  module Base64
    module_function

    def encode64(bin) = [bin].pack('m')
    def decode64(str) = str.unpack1('m')
    def strict_encode64(bin) = [bin].pack('m0')

    def strict_decode64(str)
      str.unpack1('m0')
    rescue ArgumentError
      raise ArgumentError, 'invalid base64'
    end

    def urlsafe_encode64(bin, padding: true)
      s = strict_encode64(bin).tr('+/', '-_')
      padding ? s : s.delete('=')
    end

    def urlsafe_decode64(str)
      s = str.tr('-_', '+/')
      s += '=' * ((4 - (s.length % 4)) % 4) unless s.end_with?('=')
      strict_decode64(s)
    end
  end
  $LOADED_FEATURES << 'base64.rb'
end

# Puppet runs with RubyGems; this Ruby starts without it (it is slow to load). What module code
# uses of it is Gem::Version (and Requirement), loaded when first named.
unless defined?(Gem)
  module Gem
    autoload :Version, 'rubygems/version'
    autoload :Requirement, 'rubygems/requirement'
    def self.win_platform? = false
    def self.loaded_specs = {}
  end
end

# net/ftp left Ruby's default gems (Puppet 7's Ruby still had it); with no sockets it could not
# connect anyway. Requiring it succeeds, so module files load; using it fails.
module Net
  class FTP
    def initialize(*_args)
      raise NotImplementedError, 'Net::FTP: Kasper runs module Ruby without network access'
    end

    def self.open(*_args) = new
  end
end
$LOADED_FEATURES << 'net/ftp.rb'

# Extensions a WebAssembly Ruby cannot have; requiring them is harmless at compile time.
%w[io/wait io/console io/nonblock socket].each do |ext|
  $LOADED_FEATURES << "#{ext}.so" unless $LOADED_FEATURES.any? { |f| f.end_with?("/#{ext}.so", "#{ext}.so") }
end

# WASI has no sockets; ipaddr only needs the address family constants.
unless defined?(Socket)
  class SocketError < StandardError; end

  class Socket
    AF_INET = 2
    AF_INET6 = 10
    AF_UNSPEC = 0

    def self.gethostname = (File.read('/etc/hostname').strip rescue 'localhost')
  end

  class IPSocket
    def self.getaddress(host)
      raise SocketError, "getaddrinfo: Name or service not known (#{host})" unless host =~ /\A[\d.:a-fA-F]+\z/

      host
    end
  end
  $LOADED_FEATURES << 'socket.so' << 'socket.rb'
end

# Object#=~ answered nil for any object until Ruby 3.2 removed it; Puppet 7 ran on Rubies that had
# it, and module code relies on it (apache's bool2httpd matches a Boolean against a regexp).
unless Object.method_defined?(:=~)
  class Object
    def =~(_other)
      nil
    end
  end
end

# Puppet's translation helpers, as Puppet defines them when no translations are loaded: module
# code (the translate module's function) calls them. English only: the message as given.
unless respond_to?(:_, true)
  def _(message)
    message
  end
end

unless respond_to?(:n_, true)
  def n_(*args)
    singular, plural, count = args
    return yield if block_given?

    count == 1 ? singular : plural
  end
end
