// The compiler's messages (see @kasper/diagnostics): one code per situation, a template with
// named arguments, and what to do, from which docs/errors.md is generated. Where Puppet 7 has a
// message for the same situation the template keeps its words (the conformance suite compares
// them). The codes KSP-EVAL-001…008, KSP-RES-001…004, KSP-CLASS-001…004, KSP-LOAD-001,
// KSP-TEMPLATE-001, KSP-HIERA-001 and KSP-NODE-001 keep the meaning they always had; each once
// covered several situations, which now have codes of their own.
//
// `raise(code, args, location?)` is typed by the template: the arguments it names, no others.
import { defineCatalogue, raiser, type ErrorClassOf, type Location, type MessageDef } from '@kasper/diagnostics';
import { CompileError } from './errors.ts';

const MESSAGES = {
  // ------------------------------------------------------------ evaluation
  'KSP-EVAL-001': { message: "No matching entry for selector parameter with value '{value}'", hint: 'add an entry for the value, or a default entry, to the selector' },
  'KSP-EVAL-002': { message: "Unknown variable: '${name}'", hint: 'set it, or fix its name' },
  'KSP-EVAL-003': { message: "Cannot reassign variable '${name}'{where}", hint: 'a variable is set once per scope: use a new name' },
  'KSP-EVAL-004': { message: "The operator '{operator}' is not applicable to {value}", hint: 'the message says which value and where it came from' },
  'KSP-EVAL-005': { message: "{callee} parameter '{parameter}' {mismatch}", hint: 'pass a value of the declared type' },
  'KSP-EVAL-006': { message: "Unknown function: '{name}'", hint: 'check its name and that its module is on the modulepath' },
  'KSP-EVAL-007': { message: "'{function}' parameter '{parameter}' {mismatch}", hint: "pass a value the function's signature takes" },
  'KSP-EVAL-008': { message: '{message}', hint: "fail() was called: the message is the manifest's own" },
  'KSP-EVAL-009': { message: '{callee} expects {expected}, got {count}', hint: 'call it with as many arguments as its parameters take' },
  'KSP-EVAL-010': { message: "'{function}' expects a block (a lambda like {example})", hint: 'give the function a lambda after its arguments' },
  'KSP-EVAL-011': { message: 'A key => value pair is only allowed in a hash or as arguments', hint: 'put the pair inside { } or in the arguments of a call' },
  'KSP-EVAL-012': { message: "'.{name}' must be a method call", hint: 'add the arguments in parentheses, or use [] to read a value' },
  'KSP-EVAL-013': { message: 'A lambda can only be given to a function call', hint: 'put the lambda right after a function call' },
  'KSP-EVAL-014': { message: "A '$' must be followed by a variable name", hint: 'name the variable after the $' },
  'KSP-EVAL-015': { message: "The operator '{operator}' is no longer supported", hint: 'use = with a new variable (+= and -= were removed in Puppet 4)' },
  'KSP-EVAL-016': { message: 'Mismatched number of assignable entries and values, expected {expected}, got {count}', hint: 'assign an array with as many values as variables' },
  'KSP-EVAL-017': { message: 'Only variables can be assigned from a Hash', hint: 'list variables on the left: [$a, $b] = $hash' },
  'KSP-EVAL-018': { message: "No value for required variable '${name}' in hash", hint: 'the hash needs a key named like each variable' },
  'KSP-EVAL-020': { message: 'Illegal attempt to assign to {kind}', hint: 'only variables, and arrays of them, can be assigned' },
  'KSP-EVAL-021': { message: "The value is {value}, so it cannot be indexed with [{keys}]: the operator '[]' applies to strings, arrays, hashes and types", hint: 'index a string, array, hash or type' },
  'KSP-EVAL-022': { message: "The variable '${name}' is {value}{origin}, so it cannot be indexed with [{keys}]: the operator '[]' applies to strings, arrays, hashes and types", hint: 'the message says where the variable was set; most often a fact, parameter or lookup is missing' },
  'KSP-EVAL-023': { message: 'An index must be an Integer, not {value}', hint: 'strings and arrays are indexed by position' },
  'KSP-EVAL-024': { message: 'An index takes one or two arguments, got {count}', hint: 'write [index] or [start, count]' },
  'KSP-EVAL-025': { message: 'Only a name can be called as a function', hint: 'call a function by its name' },
  'KSP-EVAL-026': { message: 'value returned {mismatch}', hint: "the lambda's value must match its declared return type" },
  'KSP-EVAL-027': { message: "function '{name}' returned a value that {mismatch}", hint: "the function's value must match its declared return type" },
  'KSP-EVAL-028': { message: "The unary minus operator '-' is not applicable to {value}", hint: 'negate a number' },
  'KSP-EVAL-029': { message: "The right side of '=~' must be a regular expression, a string or a type, not {value}", hint: 'match against /regex/, a string holding one, or a type' },
  'KSP-EVAL-030': { message: 'A regular expression can only be matched against a String, not {value}', hint: 'match a string' },
  'KSP-EVAL-031': { message: 'Comparison of: {left} {operator} {right}, is not possible', hint: 'compare numbers with numbers and strings with strings' },
  'KSP-EVAL-032': { message: 'Only an Array of [key, value] pairs can be added to a Hash', hint: 'add a hash, or an array of [key, value] pairs' },
  'KSP-EVAL-033': { message: '{value} cannot be added to a Hash', hint: 'add a hash, or an array of [key, value] pairs' },
  'KSP-EVAL-034': { message: "The value {value} cannot be converted to Numeric for '{operator}'", hint: 'arithmetic takes numbers, or strings that hold one' },
  'KSP-EVAL-035': { message: 'Division by 0', hint: 'check the divisor before dividing' },
  'KSP-EVAL-036': { message: "The operator '%' is only applicable to Integer values", hint: 'convert floats to Integer first' },
  'KSP-EVAL-037': { message: "The result {value} is larger than Puppet's 64-bit Integer", hint: 'Puppet integers are 64-bit: use a Float, or smaller numbers' },
  'KSP-EVAL-038': { message: 'A collector query can only use ==, !=, and, or', hint: 'write <| attribute == value |>, joined by and/or' },
  'KSP-EVAL-039': { message: 'A collector query compares an attribute name with a value', hint: 'put the attribute name on the left of == or !=' },
  'KSP-EVAL-040': { message: 'A collector query compares attributes with == or !=, joined by and/or', hint: 'write <| attribute == value |>, joined by and/or' },
  'KSP-EVAL-041': { message: 'Evaluation did not settle: defined types keep declaring more (infinite recursion?)', hint: 'a defined type declares itself, directly or through others' },
  'KSP-EVAL-042': { message: "Attempt to assign to a reserved variable name: '${name}'", hint: '$facts, $trusted and $server_facts are set by Puppet: use another name' },
  'KSP-EVAL-043': { message: "Cannot assign to a fully qualified variable '${name}'", hint: "assign in the variable's own class, without ::" },
  'KSP-EVAL-044': { message: "Cannot assign to a numeric match result variable '${name}'", hint: '$0, $1, … are set by regular expression matches: use another name' },
  'KSP-EVAL-045': { message: "Cannot reassign variable '${name}': it is a fact", hint: 'top-scope names of facts are taken: use another name' },
  'KSP-EVAL-046': { message: 'The type alias {name} does not resolve to a type', hint: 'the right side of `type X = …` must be a type' },
  'KSP-EVAL-047': { message: 'Evaluation nested more than {max} levels deep here', hint: 'expressions inside expressions, the links of a chain (a + b + …, a -> b -> …, elsif branches), and function calls and included classes inside one another all add levels: shorten the chain, or end the recursion sooner' },
  'KSP-EVAL-048': { message: '{name}() from context where this is illegal', hint: 'break() ends an iteration (each, map, …) and next() one step of it or a function; return() ends a function, class or define: outside of these there is nothing to end' },
  'KSP-EVAL-049': { message: "Type alias '{name}' cannot be resolved to a real type", hint: 'the alias names itself (directly or through other aliases) without a type around the name: write a type, e.g. Variant[Integer, Array[{name}]]' },
  'KSP-EVAL-050': { message: 'Internal error while evaluating this expression: {message}', hint: 'Kasper failed where it should have given a result or a clear error: a bug in Kasper, please report it with the code around this place' },
  'KSP-EVAL-051': { message: 'The result of the {operator} expression is {value}', hint: 'a Float in Puppet is finite: the operands are too large, or a Float was divided by zero' },
  'KSP-EVAL-052': { message: 'Resource not found: {ref}', hint: 'an attribute can be read only from a resource (or class) declared before this point: declare it first, or fix the title' },
  'KSP-EVAL-053': { message: 'Resource type not found: {name}', hint: 'a capitalised name is a data type, a type alias or a resource type (built in, a defined type, or a module\'s Ruby type): check the name, and that the module defining it is on the modulepath' },
  'KSP-EVAL-054': { message: 'Parameter ${name} is required but appears after optional parameters', hint: 'give it a default too, or move it before the parameters that have one' },

  // ------------------------------------------------------------ resources
  'KSP-RES-001': { message: 'Duplicate declaration: {type}[{title}] is already declared{where}; cannot redeclare', hint: 'the message names both places: declare it once' },
  'KSP-RES-002': { message: "Unknown resource type: '{type}'", hint: 'check the name and the modulepath' },
  'KSP-RES-003': { message: "Could not find resource '{ref}' for relationship", hint: 'declare it, or fix the title' },
  'KSP-RES-004': { message: "{ref}: has no parameter named '{name}'", hint: "check the parameter's name against the resource type" },
  'KSP-RES-005': { message: 'Cannot alias {ref} to "{alias}": {key} is already declared{where}', hint: 'the alias names another resource: choose another alias' },
  'KSP-RES-006': { message: '{value} is not a resource type', hint: 'name a resource type (file, package, a defined type) before the {' },
  'KSP-RES-007': { message: 'Resource defaults need a resource type, not {value}', hint: 'write File { … } with the type name capitalized' },
  'KSP-RES-008': { message: 'A collector needs a resource type, not {value}', hint: 'write File <| … |> with the type name capitalized' },
  'KSP-RES-009': { message: 'A resource title must be a String, not {value}', hint: 'quote the title' },
  'KSP-RES-010': { message: "Could not find resource '{ref}' in parameter '{parameter}' of {resource}", hint: 'declare the resource the relationship names, or fix the title' },
  'KSP-RES-011': { message: 'A relationship needs resource references, got {value}', hint: "write Type['title'] on both sides of the arrow" },
  'KSP-RES-012': { message: '{value} is not a resource reference', hint: "override a resource by its reference: Type['title'] { … }" },
  'KSP-RES-013': { message: "Could not find resource '{ref}' for overriding", hint: 'declare it, or fix the title' },
  'KSP-RES-014': { message: 'realize() needs resource references, got {value}', hint: "pass Type['title'] references" },
  'KSP-RES-015': { message: 'Failed to realize virtual resources {ref}', hint: 'declare the virtual resource (@type { … }) before realizing it' },
  'KSP-RES-016': { message: "Only subclasses can override parameters: {ref} parameter '{parameter}' was set{where} by {setter}", hint: 'override from a class that inherits the one that set it, or set it there' },
  'KSP-RES-017': { message: "'* =>' needs a Hash of attributes, got {value}", hint: 'splat a hash of attribute names to values' },
  'KSP-RES-020': { message: 'Cannot alias {ref} to {key}; resource {existing} already declared{where}', hint: "two resources manage the same thing: their namevars (a file's path, a package's name and provider…) are equal; declare it once" },
  'KSP-RES-019': { message: "no parameter named '{name}' on {ref}", hint: "the resource type has no such parameter or property: check its spelling against the type's documentation" },
  'KSP-RES-018': { message: 'An attribute name must be a String, got {value}', hint: 'the keys of a splatted hash are attribute names' },
  'KSP-RES-022': { message: "The attribute '{name}' has already been set", hint: 'a resource body sets each attribute once: remove one (a `* =>` hash counts too)' },
  'KSP-RES-023': { message: 'Empty string title at {index}. Title strings must have a length greater than zero.', hint: 'give the resource a title' },
  'KSP-RES-024': { message: "Invalid tag '{tag}'", hint: 'a tag is letters, digits and _ , then also -, : and . (no spaces)' },
  'KSP-RES-025': { message: 'A duplicate resource was found while collecting exported resources: {ref} is exported by {first} and by {second}', hint: 'two nodes export the same type and title (or this node declares it too): make the titles unique, e.g. with the node name in them' },
  'KSP-RES-026': { message: 'An exported collection query compares with a String, Integer, Float or Boolean, got {value}', hint: 'PuppetDB compares stored parameters with a scalar value' },
  'KSP-RES-027': { message: 'collecting exported resources failed: {reason}', hint: "the master could not read other nodes' exported resources from its storage" },
  'KSP-RES-028': { message: "Only classes can set 'stage'; normal resources like {ref} cannot change run stage", hint: 'put the resource in a class and give the class the stage: class { \'x\': stage => \'pre\' }' },
  'KSP-RES-029': { message: "The expression <{text}> is not a valid type specification", hint: "a string on an arrow is read as a reference: write 'Type[title]' with the type capitalised" },

  // ------------------------------------------------------------ classes and defined types
  'KSP-CLASS-001': { message: 'Could not find class ::{name} for {node}', hint: 'check the name and the modulepath' },
  'KSP-CLASS-002': { message: 'Duplicate declaration: Class[{name}] is already declared{where}; cannot redeclare', hint: 'declare it once, resource-like, or use include and Hiera' },
  'KSP-CLASS-003': { message: "{resource}: expects a value for parameter '{parameter}'", hint: 'pass it, set it in Hiera, or give the parameter a default' },
  'KSP-CLASS-004': { message: 'Could not find stage {stage} specified by Class[{name}]', hint: 'declare the stage' },
  'KSP-CLASS-005': { message: 'Classes cannot be virtual or exported: Class[{name}]', hint: 'declare the class without @ or @@' },
  'KSP-CLASS-006': { message: "Class '{name}' cannot inherit from itself", hint: 'inherit from another class' },
  'KSP-CLASS-007': { message: "Could not find parent class '{parent}' of class '{name}'", hint: 'check the name after inherits, and the modulepath' },
  'KSP-CLASS-008': { message: "{resource}: has no parameter named '{parameter}'", hint: 'check the name against the class or define' },
  'KSP-CLASS-009': { message: "{resource}: parameter '{parameter}' {mismatch}", hint: 'pass a value of the declared type' },

  // ------------------------------------------------------------ loading code and facts
  'KSP-LOAD-001': { message: "Cannot read '{path}': {reason}", hint: 'the reason says why the file cannot be read' },
  'KSP-LOAD-002': { message: "The manifest '{path}' does not exist", hint: "check the environment's manifest setting, or the path given" },
  'KSP-LOAD-003': { message: '{where}: facts must be a map of names to values', hint: 'a facts file holds a map (or Puppet\'s {name, values})' },
  'KSP-LOAD-004': { message: "The {kind} '{name}' is already defined (at {where}); cannot redefine", hint: 'a class, defined type, function or type alias is defined once in an environment: rename or remove one of them' },

  // ------------------------------------------------------------ templates
  'KSP-TEMPLATE-001': { message: 'template({names}): ERB templates need Ruby, which Kasper does not run; convert the template to EPP and use epp() instead', hint: 'ERB needs Ruby: convert to EPP' },
  'KSP-TEMPLATE-002': { message: 'Syntax error in template {file}:{line}:{column}: {message}', hint: "fix the template; the position is the template's own" },
  'KSP-TEMPLATE-003': { message: "The template {file} has no parameter named '{name}'", hint: "pass only the parameters the template's <%- | … | -%> declares" },
  'KSP-TEMPLATE-004': { message: "The template {file} expects a value for parameter '{name}'", hint: 'pass it, or give the parameter a default in the template' },
  'KSP-TEMPLATE-005': { message: "The template {file} parameter '{name}' has the wrong type: {value}", hint: 'pass a value of the declared type' },
  'KSP-TEMPLATE-006': { message: "Could not find template '{name}'", hint: "'module/file.epp' is MODULE/templates/file.epp on the modulepath" },
  'KSP-TEMPLATE-007': { message: "'epp' expects a template name like 'module/file.epp'", hint: 'pass the name as a String' },
  'KSP-TEMPLATE-008': { message: "'inline_epp' expects the template text as a String", hint: 'pass the text as a String' },
  'KSP-TEMPLATE-009': { message: '{message}', hint: "the template's Ruby failed: the message names the template's file and line" },
  'KSP-TEMPLATE-010': { message: "'{function}' expects template names or text as Strings, got {value}", hint: "pass 'module/file.erb' names (template) or ERB text (inline_template)" },

  // ------------------------------------------------------------ Hiera
  'KSP-HIERA-001': { message: "Function lookup() did not find a value for the name '{names}'", hint: 'add the key to the data, or give lookup() a default' },
  'KSP-HIERA-002': { message: 'Unable to parse Hiera data {file}: {reason}', hint: 'the data file is not valid YAML or JSON' },
  'KSP-HIERA-003': { message: 'Hiera data {file} must be a hash of keys to values', hint: 'a data file holds a hash at its top' },
  'KSP-HIERA-004': { message: "{function}('{key}'): no value found", hint: 'the interpolated key is not in the data' },
  'KSP-HIERA-005': { message: "Unknown merge strategy '{strategy}': use first, unique, hash or deep", hint: 'use first, unique, hash or deep' },
  'KSP-HIERA-006': { message: 'A hash merge found a value that is not a hash', hint: 'a hash or deep merge needs a hash at every level it finds' },
  'KSP-HIERA-007': { message: 'Unable to parse {path}: {reason}', hint: 'the hiera.yaml is not valid YAML' },
  'KSP-HIERA-008': { message: '{path}: a hiera.yaml is a hash with version: 5', hint: 'start the file with version: 5' },
  'KSP-HIERA-009': { message: '{path}: only Hiera version 5 configurations are supported (version: 5)', hint: 'convert the configuration to Hiera 5' },
  'KSP-HIERA-010': { message: "{path}: 'hierarchy' must be a list of levels", hint: 'hierarchy is a list of hashes with name and path(s)' },
  'KSP-HIERA-011': { message: "One of data_hash, lookup_key, data_dig, or hiera3_backend must be defined in hierarchy '{level}' (in {path})", hint: 'give the level a data_hash, or set one under defaults' },
  'KSP-HIERA-012': { message: "{path}: level '{level}' uses a Ruby backend (lookup_key/data_dig), which Kasper cannot run; yaml_data, json_data and lookup_key: eyaml_lookup_key are supported", hint: 'move the data to YAML or JSON files (encrypted values: hiera-eyaml files with eyaml_lookup_key)' },
  'KSP-HIERA-013': { message: "{path}: level '{level}' uses data_hash '{backend}'; yaml_data and json_data are supported", hint: 'use data_hash: yaml_data or json_data' },
  'KSP-HIERA-014': { message: "'lookup' expects a key name as a String, got {value}", hint: 'pass the key as a String (or an array of them)' },
  'KSP-HIERA-016': { message: "{path}: level '{level}': 'eyaml_lookup_key': one of 'path', 'paths' 'glob', 'globs' or 'mapped_paths' must be declared in hiera.yaml when using this lookup_key function", hint: 'name the eyaml data files of the level with path or paths' },
  'KSP-HIERA-015': { message: "Found value for '{key}' {mismatch}", hint: "the data's value does not match the type given to lookup()" },

  // ------------------------------------------------------------ nodes
  'KSP-NODE-001': { message: "Could not find node statement with name 'default' or '{names}'", hint: 'add a matching node or `node default`' },

  // ------------------------------------------------------------ built-in functions
  'KSP-FUNC-001': { message: "'{function}' expects class names, got {value}", hint: "pass class names, or Class['name'] references" },
  'KSP-FUNC-002': { message: 'Could not find any files from {files}', hint: "'module/file' is MODULE/files/file on the modulepath; absolute paths are read as they are" },
  'KSP-FUNC-003': { message: "'{function}' expects an Iterable value, got {value}", hint: 'iterate over an array, hash, string, Integer or iterable type' },
  'KSP-FUNC-004': { message: "'slice' expects a slice size of at least 1", hint: 'pass a positive size' },
  'KSP-FUNC-005': { message: "'step' expects a step of at least 1", hint: 'pass a positive step' },
  'KSP-FUNC-006': { message: "'{function}' Can only compare values of the same kind: {left} and {right}", hint: 'compare numbers with numbers and strings with strings' },
  'KSP-FUNC-007': { message: "'unique' expects a String, Array or Hash, got {type}", hint: 'pass a String, Array or Hash' },
  'KSP-FUNC-008': { message: "'dig' an Array can only be dug into with an Integer, got {type}", hint: 'index arrays by position' },
  'KSP-FUNC-009': { message: "'dig' cannot dig into {type}", hint: 'dig goes through arrays and hashes only' },
  'KSP-FUNC-010': { message: "'{text}' is not a type", hint: "write the type as in Puppet code: 'Array[String]'" },
  'KSP-FUNC-011': { message: 'assert_type(): {mismatch}', hint: 'the value does not have the asserted type' },
  'KSP-FUNC-012': { message: "The string '{value}' cannot be converted to {type}", hint: 'the string does not hold a number in the radix given' },
  'KSP-FUNC-013': { message: "The value '{value}' cannot be converted to Numeric.", hint: 'the value does not hold a number' },
  'KSP-FUNC-014': { message: "The value '{value}' cannot be converted to {type}", hint: 'see the type\'s new() for what it converts from' },
  'KSP-FUNC-015': { message: "Creation of new instance of type '{type}' is not supported", hint: 'Kasper has no new() for this type' },
  'KSP-FUNC-016': { message: 'Converted value from {type}.new() has wrong type, {mismatch}', hint: 'the converted value does not fit the type parameters' },
  'KSP-FUNC-017': { message: 'merge: unexpected argument type {value}, only expects hashes', hint: 'merge() takes hashes (undef and empty strings are skipped)' },
  'KSP-FUNC-018': { message: 'concat(): Requires array to work with', hint: 'the first argument is an array' },
  'KSP-FUNC-019': { message: 'pick(): must receive at least one non empty value', hint: 'all values were undef or empty: add a default at the end' },
  'KSP-FUNC-020': { message: 'delete(): First argument must be an Array, String, or Hash', hint: 'pass an Array, String or Hash first' },
  'KSP-FUNC-021': { message: 'delete_undef_values(): expected an array or hash', hint: 'pass an Array or Hash' },
  'KSP-FUNC-022': { message: 'delete_at(): expects an array and an index', hint: 'pass an Array and an Integer' },
  'KSP-FUNC-023': { message: 'delete_at(): Given index exceeds size of array given', hint: 'the index is past the end of the array' },
  'KSP-FUNC-024': { message: '{function}(): expected first argument to be an Array or a Hash', hint: 'pass an Array or Hash first' },
  'KSP-FUNC-025': { message: 'member(): Requires array to work with', hint: 'the first argument is an array' },
  'KSP-FUNC-026': { message: 'has_key(): expects the first argument to be a hash', hint: 'the first argument is a hash' },
  'KSP-FUNC-027': { message: 'fact(): expects a fact name as a String', hint: "pass the fact's name, dotted for structured facts ('os.family')" },
  'KSP-FUNC-028': { message: 'create_resources(): the first argument must be a resource type name, got {value}', hint: "pass the type's name as a String ('file')" },
  'KSP-FUNC-029': { message: 'create_resources(): second argument must be a hash', hint: 'pass a hash of titles to parameters' },
  'KSP-FUNC-030': { message: 'ensure_resource(): the type must be a String', hint: "pass the type's name as a String ('package')" },
  'KSP-FUNC-031': { message: 'ensure_resources(): expects a type and a Hash of titles to parameters', hint: 'pass the type name and a hash of titles to parameters' },
  'KSP-FUNC-032': { message: 'str2bool(): Requires string to work with', hint: 'pass a String' },
  'KSP-FUNC-033': { message: 'str2bool(): Unknown type of boolean given', hint: "the string is none of 'true', 'false', 'yes', 'no', '1', '0', … " },
  'KSP-FUNC-034': { message: 'bool2str(): Requires a boolean to work with', hint: 'pass a Boolean' },
  'KSP-FUNC-035': { message: 'deep_merge: unexpected argument type, only expects hash arguments', hint: 'deep_merge() takes hashes' },
  'KSP-FUNC-036': { message: "bad parameter '{parameter}' in signature '{signature}'", hint: "a built-in function's declaration is wrong: a bug in Kasper, please report it" },
  'KSP-FUNC-037': { message: "'{name}' follows the block or a repeated parameter in '{signature}'", hint: "a built-in function's declaration is wrong: a bug in Kasper, please report it" },
  'KSP-FUNC-038': { message: "'{text}' is not a type", hint: "a built-in function's declaration is wrong: a bug in Kasper, please report it" },
  'KSP-FUNC-039': { message: "'{text}' is not a built-in type", hint: "a built-in function's declaration is wrong: a bug in Kasper, please report it" },
  'KSP-FUNC-040': { message: '{message}', hint: "the arguments do not fit any of the Ruby function's dispatches; the message lists what it accepts" },
  'KSP-FUNC-100': {
    message: "The function 'new_Deferred' was called with arguments it does not accept. It expects one of:\n  ({hashType} hash)\n    rejected: {hashReason}\n  ({nameType} name, Array arguments?)\n    rejected: {nameReason}",
    hint: "Deferred('fn', [args]) takes a function's name (lower case, `mod::fn`, or `$variable`) and an Array of arguments, or one Hash {name => …, arguments => …}",
  },
  'KSP-FUNC-101': { message: "Unable to parse '{text}' using any of the formats {formats}", hint: "Timespan and Timestamp read Puppet's formats ('1-12:00:00', '2025-01-01T00:00:00.000 UTC') or the format you give; zones are UTC, an offset like +02:00, or a common abbreviation (EST, CET)" },
  'KSP-FUNC-102': { message: "Illegal timezone '{zone}'", hint: 'a zone is UTC, an offset like +02:00 or -0500, or a common abbreviation (EST, PDT, CET); Kasper has no zone database' },
  'KSP-FUNC-103': { message: "Timespan hash: '{key}' is not a unit with a number", hint: 'the keys are days, hours, minutes, seconds, milliseconds, microseconds, nanoseconds (numbers) and negative (a Boolean)' },
  'KSP-FUNC-104': { message: '{function}(): cannot convert given value to a floating point value.', hint: 'ceiling() and floor() read a string as Ruby\'s Float() does (decimal, exponent, 0x hex, underscores between digits); convert the value first' },
  'KSP-FUNC-105': { message: '{message}', hint: "String(x, format): a format is '%<flags><width>.<prec><letter>' with a letter the value's type takes (Puppet's string converter); a Hash maps types to formats, Array and Hash to {format, separator, separator2, string_formats}" },
  'KSP-FUNC-106': { message: '{message}', hint: "sprintf() formats as Ruby's format does: a directive it knows for each argument, and a value that converts (Integer() for %d, Float() for %f)" },
  'KSP-FUNC-041': { message: '{message}', hint: "the module's Ruby function failed: the message names its file and line" },
  'KSP-FUNC-091': { message: '{message}', hint: "assert_private(): the class or defined type is private to its module; declare it from that module's code (or a public class of it)" },
  'KSP-FUNC-090': { message: 'comparison of {left} with {right} failed', hint: "sort() without a lambda compares as Ruby's <=> does: numbers with numbers, strings with strings, arrays element by element; give a lambda (compare($a, $b)) to order mixed values" },
  'KSP-FUNC-042': { message: "{function}(): cannot make a number of {value}", hint: 'pass the maximum as an Integer' },
  'KSP-FUNC-043': { message: 'invalid argument - {max}', hint: 'fqdn_rand needs a maximum of at least 1' },
  'KSP-FUNC-044': { message: 'fqdn_rotate(): Requires either array or string to work with', hint: 'pass an Array or a String' },
  'KSP-FUNC-045': { message: '{message}', hint: "a stdlib function Kasper runs natively (validate_*, is_*, pick, delete, prefix, base64, …) rejected its arguments; the message is stdlib 8.5's own" },
  'KSP-FUNC-046': { message: '{message}', hint: 'validate_legacy: the value has neither the type nor passes the old validation function; give a value of the type' },
  'KSP-FUNC-047': { message: "'{function}' expects a key name (a String), and optionally a default and an override", hint: "call it as {function}('key'), {function}('key', default) or with a lambda; lookup() is its replacement" },
  'KSP-FUNC-048': { message: 'Could not find data item {key}', hint: 'hiera_include found undef for the key: give it a list of classes' },
  'KSP-FUNC-049': { message: "binary_file(): The given file '{path}' does not exist", hint: "'module/file' is MODULE/files/file on the modulepath; absolute paths are read as they are" },
  'KSP-FUNC-050': { message: '{reason}', hint: 'generate() runs a command given by its absolute path on the machine that compiles' },
  'KSP-FUNC-051': { message: '{message}', hint: 'get(): the dotted path goes through something that is not a hash or array; give a lambda to handle it' },

  // ------------------------------------------------------------ types
  'KSP-TYPE-001': { message: '{type} parameters must be Integer or default, got {value}', hint: 'sizes and ranges are Integers, or default' },
  'KSP-TYPE-002': { message: '{type} expects a Type, got {value}', hint: 'pass a type (String, Integer[1], …), not a value' },
  'KSP-TYPE-003': { message: 'Enum parameters must be String, got {value}', hint: "list the strings: Enum['a', 'b']" },
  'KSP-TYPE-004': { message: 'Pattern parameters must be regular expressions or strings, got {value}', hint: 'pass /regex/ or strings' },
  'KSP-TYPE-005': { message: 'Hash-Type[] accepts 2 to 4 arguments. Got {count}', hint: 'write Hash[KeyType, ValueType] (and optionally sizes)' },
  'KSP-TYPE-006': { message: 'Struct expects a Hash of keys to types, got {value}', hint: "write Struct[{'key' => Type}]" },
  'KSP-TYPE-007': { message: 'Struct keys must be strings, got {value}', hint: "keys are strings, or Optional['key']" },
  'KSP-TYPE-008': { message: 'Resource[] expects a type name, got {value}', hint: "write Resource['file'] or Resource[File]" },
  'KSP-TYPE-009': { message: 'Cannot specialize an already specialized {kind} type: {type}', hint: 'the reference already names a title' },
  'KSP-TYPE-010': { message: 'Class[] expects class names, got {value}', hint: "write Class['name']" },
  'KSP-TYPE-011': { message: '{type}-Type[] does not accept parameters', hint: 'use the type without [ ]' },
  'KSP-TYPE-012': { message: 'A resource title must be a String, got {value}', hint: "write Type['title']" },
  'KSP-TYPE-013': { message: '{reason}', hint: "a type's parameters could not be used (most often a regular expression that does not compile); the reason says why" },
  'KSP-TYPE-014': { message: "'{text}' is not a type Kasper knows", hint: 'Ruby asked for a type by its text: check its spelling, or that the module defining the alias is on the modulepath' },
  'KSP-TYPE-015': { message: 'Boolean[] takes true or false, got {value}', hint: 'write Boolean[true] or Boolean[false] (not a string)' },
  'KSP-TYPE-016': { message: "'from' must be less or equal to 'to'. Got ({from}, {to})", hint: 'write the smaller bound first' },
  'KSP-TYPE-017': { message: 'A Tuple-Type[] accepts 1 or more arguments. Got 0', hint: 'name the types of the elements: Tuple[String, Integer]' },
  'KSP-TYPE-018': { message: '{type}-Type[] accepts 0 to 2 arguments. Got {count}', hint: "give a lower and an upper bound: Timespan['0-01:00:00', '1-00:00:00'] (default for an open end)" },
  'KSP-TYPE-019': { message: '{type}-Type[] bound {value}: {message}', hint: "a bound is a Timespan/Timestamp, a number of seconds, a string in Puppet's format, or default" },
} as const satisfies Record<string, MessageDef>;

export const COMPILER_MESSAGES = defineCatalogue({
  package: 'compiler',
  title: 'Compile errors (`KSP-EVAL-…`, `KSP-RES-…`, `KSP-CLASS-…`, `KSP-FUNC-…`, `KSP-TYPE-…`, …)',
  intro: 'Found while compiling a catalog (`kasper compile`, `kasper apply`, the master, `kasper diff`). Each names the file, line and column of the code that failed; where Puppet 7 reports the same problem, the message keeps its words. A manifest that does not parse fails with the parser\'s own code (`KSP-LEX-…`, `KSP-PARSE-…`, `KSP-VALID-…`).',
  messages: MESSAGES,
});

export type CompilerCode = keyof typeof MESSAGES;

/** The `{names}` of a template. */
type Placeholders<S extends string> = S extends `${string}{${infer N}}${infer R}` ? N | Placeholders<R> : never;

/** The arguments a code's template names: each of them, and no others. */
export type MessageArgs<C extends CompilerCode> = ArgsOf<Placeholders<(typeof MESSAGES)[C]['message']>>;
type ArgsOf<P extends string> = [P] extends [never] ? Record<string, never> : Record<P, unknown>;

/** A raiser of the catalogue's errors as `ErrorClass` (CompileError, or HieraError for Hiera). */
export function compileRaiser<E extends CompileError>(ErrorClass: ErrorClassOf<E>) {
  const raiseAny = raiser(COMPILER_MESSAGES, ErrorClass);
  return <C extends CompilerCode>(code: C, args: MessageArgs<C>, location?: Location): E => raiseAny(code, args as Record<string, unknown>, location);
}

/** A CompileError from the catalogue: `raise('KSP-RES-002', { type }, location)`. */
export const raise = compileRaiser(CompileError);
