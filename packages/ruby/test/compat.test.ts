// What the Ruby of Puppet 7 had and module code still calls, which Ruby 3.4 or a bare VM lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderErb } from '../src/index.ts';
import { mapScope } from './support/scope.ts';

test('Object#=~ answers nil for any object, as before Ruby 3.2 (apache bool2httpd matches a Boolean)', () => {
  const scope = mapScope(new Map());
  assert.equal(renderErb('<%= (true =~ /false/i).inspect %> <%= (1 =~ /1/).inspect %> <%= ([] =~ /x/).inspect %>', { scope }), 'nil nil nil');
  // Strings, symbols and regexps keep their own matching.
  assert.equal(renderErb("<%= 'abc' =~ /b/ %> <%= :abc =~ /c/ %> <%= /c/ =~ 'abc' %>", { scope }), '1 2 2');
});

test("Puppet's translation helpers give the English message (the translate module calls _)", () => {
  const scope = mapScope(new Map());
  assert.equal(renderErb("<%= _('Hello %{who}') % { who: 'you' } %>", { scope }), 'Hello you');
  assert.equal(renderErb("<%= n_('a file', '%{n} files', 1) %>|<%= n_('a file', '%{n} files', 3) %>", { scope }), 'a file|%{n} files');
});
