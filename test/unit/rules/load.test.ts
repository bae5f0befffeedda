import { describe, expect, it } from 'vitest';
import {
  formatIssues,
  loadRuleSet,
  parseRulesDocument,
  RULE_SET_DOCUMENT,
  type RulesDocumentSource,
  type RulesIssue,
} from '../../../shared/domain/rules/load.js';

/** The example of docs/design.md §3, unchanged apart from comments. */
const designExample = `version: 1
settings:
  managedPermissionSets: [AdministratorAccess, PowerUserAccess, ReadOnlyAccess]
  protected:
    permissionSets: [BreakGlassAdmin]
    principals: [{ group: BreakGlass }]
    accounts: ["111122223333"]
  revocationGuard: { maxPerRun: 25, maxFraction: 0.10 }
  mode: enforce
  offboarding: { onUserDisabled: true, removeGroupMemberships: true }

assignments:
  - id: platform-admins
    description: Platform team administers every workload account
    principals:
      - group: Platform Admins
      - user: alice@example.com
      - users: { where: { title: SRE } }
    permissionSets: [AdministratorAccess]
    targets:
      organizationalUnits: [/Workloads, ou-ab12-cdef5678]
      accounts: ["222233334444"]
      accountTags: { env: [prod, staging] }
      exclude:
        organizationalUnits: [/Workloads/Sandbox]
        accounts: []

memberships:
  - id: engineering-developers
    where: { department: Engineering }
    groups: [Developers]
    policy: additive
`;

const jsonDocument = `{
  "version": 1,
  "assignments": [
    {
      "id": "auditors",
      "principals": [{ "group": "Auditors" }],
      "permissionSets": ["ReadOnlyAccess"],
      "targets": { "organizationalUnits": ["/"] }
    }
  ]
}`;

/** A small valid document, so that each error case below changes exactly one thing. */
const minimal = (id: string): string => `version: 1
assignments:
  - id: ${id}
    principals:
      - group: Platform Admins
    permissionSets: [AdministratorAccess]
    targets:
      organizationalUnits: [/Workloads]
`;

const source = (name: string, text: string): RulesDocumentSource => ({ name, text });

/** Builds a valid document of about `bytes` bytes from many small rules. */
const documentOfSize = (bytes: number): string => {
  const lines = ['version: 1', 'assignments:'];
  for (let i = 0; lines.join('\n').length < bytes; i += 1) {
    lines.push(
      `  - id: rule-${i}`,
      '    principals: [{ group: Platform Admins }]',
      '    permissionSets: [ReadOnlyAccess]',
      '    targets: { accounts: ["222233334444"] }',
    );
  }
  return `${lines.join('\n')}\n`;
};

const issuesOf = (result: { ok: true } | { ok: false; issues: RulesIssue[] }): RulesIssue[] =>
  result.ok ? [] : result.issues;

describe('parseRulesDocument', () => {
  it.each([
    ['the docs/design.md §3 example in YAML', designExample],
    ['a JSON document', jsonDocument],
    ['a document with only settings', 'version: 1\nsettings: { mode: report }\n'],
    [
      'a document with a yaml-language-server comment',
      `# yaml-language-server: $schema=../rules.schema.json\n${minimal('a')}`,
    ],
  ])('accepts %s', (_name, text) => {
    const result = parseRulesDocument(source('doc', text));

    expect(issuesOf(result)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('gives the same document for the same rule written in YAML and in JSON', () => {
    const yaml = parseRulesDocument(
      source(
        'a.yaml',
        'version: 1\nassignments:\n  - id: auditors\n    principals: [{ group: Auditors }]\n    permissionSets: [ReadOnlyAccess]\n    targets: { organizationalUnits: [/] }\n',
      ),
    );
    const json = parseRulesDocument(source('a.json', jsonDocument));

    expect(yaml.ok && json.ok).toBe(true);
    expect(yaml.ok ? yaml.document : undefined).toEqual(json.ok ? json.document : undefined);
  });

  it.each<[string, string, string, number | undefined, RegExp]>([
    [
      'an unknown key deep in a rule, with a suggestion',
      minimal('a').replace('organizationalUnits', 'organisationalUnits'),
      'assignments[0].targets.organisationalUnits',
      8,
      /^unknown key "organisationalUnits" \(did you mean "organizationalUnits"\?\)$/,
    ],
    [
      'an unknown top-level key, listing what is allowed when nothing is close',
      `${minimal('a')}owners: [me]\n`,
      'owners',
      9,
      /^unknown key "owners" \(allowed: version, settings, assignments, memberships\)$/,
    ],
    [
      'an unknown user attribute in a selector',
      minimal('a').replace('- group: Platform Admins', '- users: { where: { dept: Engineering } }'),
      'assignments[0].principals[0].users.where.dept',
      5,
      /^unknown user attribute "dept" \(did you mean "department"\?\)$/,
    ],
    [
      'an account id that is not 12 digits',
      minimal('a').replace('organizationalUnits: [/Workloads]', 'accounts: ["1234"]'),
      'assignments[0].targets.accounts[0]',
      8,
      /"1234" .*an account id is 12 digits/,
    ],
    [
      'an unquoted account id, which YAML reads as a number',
      minimal('a').replace('organizationalUnits: [/Workloads]', 'accounts: [012345678901]'),
      'assignments[0].targets.accounts[0]',
      8,
      /expected text, got the number 12345678901: put it in quotes \("012345678901"\)/,
    ],
    [
      'an OU reference that is neither a path nor an id',
      minimal('a').replace('[/Workloads]', '[/Workloads, Workloads/Prod]'),
      'assignments[0].targets.organizationalUnits[1]',
      8,
      /"Workloads\/Prod" .*an OU is a path from the root/,
    ],
    [
      'an empty principals list',
      minimal('a').replace('principals:\n      - group: Platform Admins', 'principals: []'),
      'assignments[0].principals',
      4,
      /^the list is empty: give at least one principal$/,
    ],
    [
      'a principal that is both a group and a user',
      minimal('a').replace('- group: Platform Admins', '- { group: Platform Admins, user: alice }'),
      'assignments[0].principals[0]',
      5,
      /^a principal is exactly one of \{ group: .* \}, \{ user: .* \} or \{ users: .* \}; got a mapping with keys group, user$/,
    ],
    [
      'a principal given as plain text',
      minimal('a').replace('- group: Platform Admins', '- Platform Admins'),
      'assignments[0].principals[0]',
      5,
      /^a principal is exactly one of .*; got the text "Platform Admins"$/,
    ],
    [
      'a missing required key',
      minimal('a').replace('    targets:\n      organizationalUnits: [/Workloads]\n', ''),
      'assignments[0].targets',
      3,
      /^missing required key "targets"$/,
    ],
    ['a missing version', minimal('a').replace('version: 1\n', ''), 'version', 1, /^missing key "version"/],
    [
      'an unsupported version',
      minimal('a').replace('version: 1', 'version: 2'),
      'version',
      1,
      /^expected 1, got the number 2$/,
    ],
    [
      'a misspelt enum value',
      'version: 1\nsettings:\n  mode: reprot\n',
      'settings.mode',
      3,
      /^expected one of "enforce", "report", got the text "reprot" \(did you mean "report"\?\)$/,
    ],
    [
      'a key left without a value',
      minimal('a').replace('    targets:\n      organizationalUnits: [/Workloads]\n', '    targets:\n'),
      'assignments[0].targets',
      7,
      /^expected a mapping \(key: value\), got an empty value$/,
    ],
    [
      'a YAML syntax error',
      minimal('a').replace('[AdministratorAccess]', '[AdministratorAccess'),
      '',
      7,
      /^invalid YAML: /,
    ],
    ['a JSON syntax error', '{\n  "version": 1,\n  "assignments": [\n}\n', '', 4, /^invalid JSON: /],
    [
      'a duplicate YAML key',
      minimal('a').replace(
        '    permissionSets: [AdministratorAccess]\n',
        '    permissionSets: [A]\n    permissionSets: [B]\n',
      ),
      'assignments[0].permissionSets',
      7,
      /^duplicate key "permissionSets" \(first set on line 6\)/,
    ],
    [
      'a duplicate JSON key',
      '{\n  "version": 1,\n  "version": 1\n}\n',
      'version',
      3,
      /^duplicate key "version" \(first set on line 2\)/,
    ],
    ['an empty document', '', '', undefined, /^the document is empty/],
    ['a document that is a list', '- version: 1\n', '', 1, /a rules document is a mapping .* got a list$/],
    [
      'a document over 8 KB',
      documentOfSize(9 * 1024),
      '',
      1,
      /over the 8192-byte limit of an SSM advanced parameter .*split its rules across several documents/,
    ],
  ])('reports %s with its path and line', (_name, text, path, line, message) => {
    const result = parseRulesDocument(source('/idc-lifecycle/rules/platform', text));

    const issues = issuesOf(result);
    expect(result.ok).toBe(false);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ document: '/idc-lifecycle/rules/platform', path });
    expect(issues[0]?.line).toBe(line);
    expect(issues[0]?.message).toMatch(message);
  });

  it('counts bytes, not characters, against the 8 KB limit', () => {
    const comment = `# ${'é'.repeat(4100)}\n`;

    const result = parseRulesDocument(source('doc', `${comment}${minimal('a')}`));

    expect(comment.length).toBeLessThan(8192);
    expect(issuesOf(result).map((issue) => issue.message)).toEqual([
      expect.stringMatching(/bytes, over the 8192-byte/),
    ]);
  });

  it('accepts a document of exactly 8192 bytes', () => {
    const body = minimal('a');
    const text = `${body}#${'x'.repeat(8192 - body.length - 2)}\n`;

    const result = parseRulesDocument(source('doc', text));

    expect(new TextEncoder().encode(text).length).toBe(8192);
    expect(issuesOf(result)).toEqual([]);
  });

  it('collects every issue of a document at once, in line order', () => {
    const text = `version: 1
assignments:
  - id: bad id
    principals: []
    permissionSets: [AdministratorAccess]
    targets:
      accounts: ["42"]
      exclud: {}
memberships:
  - id: devs
    where: {}
    groups: [Developers]
    policy: sometimes
`;

    const issues = issuesOf(parseRulesDocument(source('doc', text)));

    expect(issues.map(({ path, line }) => ({ path, line }))).toEqual([
      { path: 'assignments[0].id', line: 3 },
      { path: 'assignments[0].principals', line: 4 },
      { path: 'assignments[0].targets.accounts[0]', line: 7 },
      { path: 'assignments[0].targets.exclud', line: 8 },
      { path: 'memberships[0].where', line: 11 },
      { path: 'memberships[0].policy', line: 13 },
    ]);
  });

  it('reports an alias to an undefined anchor as an issue instead of throwing', () => {
    const result = parseRulesDocument(source('doc', `${minimal('a')}memberships: *missing\n`));

    expect(issuesOf(result).length).toBeGreaterThan(0);
  });

  it('reports an unknown YAML tag instead of reading it as text', () => {
    const result = parseRulesDocument(source('doc', minimal('a').replace('[/Workloads]', '[!custom /Workloads]')));

    expect(issuesOf(result)).toEqual([expect.objectContaining({ line: 8, message: expect.stringMatching(/tag/i) })]);
  });
});

describe('loadRuleSet', () => {
  it('merges documents, keeping the order given, and records where each rule comes from', () => {
    const result = loadRuleSet([source('/r/main', designExample), source('/r/audit.json', jsonDocument)]);

    expect(issuesOf(result)).toEqual([]);
    expect(result.ok && result.ruleSet.assignments.map((rule) => rule.id)).toEqual(['platform-admins', 'auditors']);
    expect(result.ok && result.ruleSet.memberships.map((rule) => rule.id)).toEqual(['engineering-developers']);
    expect(result.ok && result.ruleSet.sources).toEqual({
      'platform-admins': '/r/main',
      auditors: '/r/audit.json',
      'engineering-developers': '/r/main',
    });
  });

  it('applies every default when no document holds settings', () => {
    const result = loadRuleSet([source('doc', minimal('a'))]);

    expect(result.ok && result.ruleSet.settings).toEqual({
      managedPermissionSets: undefined,
      protected: { permissionSets: [], principals: [], accounts: [] },
      revocationGuard: { maxPerRun: 100 },
      mode: 'enforce',
      offboarding: { onUserDisabled: true, removeGroupMemberships: true },
      includeManagementAccount: false,
    });
  });

  it('fills the defaults inside a partly written settings block', () => {
    const text = `${minimal('a')}settings:\n  revocationGuard: { maxFraction: 0.2 }\n  offboarding: { onUserDisabled: false }\n`;

    const result = loadRuleSet([source('doc', text)]);

    expect(result.ok && result.ruleSet.settings).toMatchObject({
      revocationGuard: { maxPerRun: 100, maxFraction: 0.2 },
      offboarding: { onUserDisabled: false, removeGroupMemberships: true },
      mode: 'enforce',
    });
  });

  it('defaults a membership policy to additive', () => {
    const text =
      'version: 1\nmemberships:\n  - id: devs\n    where: { department: Engineering }\n    groups: [Developers]\n';

    const result = loadRuleSet([source('doc', text)]);

    expect(result.ok && result.ruleSet.memberships[0]?.policy).toBe('additive');
  });

  it.each<[string, RulesDocumentSource[], Partial<RulesIssue>, RegExp]>([
    [
      'zero documents',
      [],
      { document: RULE_SET_DOCUMENT, path: '' },
      /^no rules documents: refusing to treat an empty rule set as 'revoke everything'$/,
    ],
    [
      'documents that hold no rule at all',
      [source('a', 'version: 1\nsettings: { mode: report }\n'), source('b', 'version: 1\n')],
      { document: RULE_SET_DOCUMENT, path: '' },
      /no assignments and no memberships/,
    ],
    [
      'a rule id used in two documents',
      [source('/r/one', minimal('shared-id')), source('/r/two', minimal('shared-id'))],
      { document: '/r/two', path: 'assignments[0].id', line: 3, conflictsWith: ['/r/one'] },
      /^rule id "shared-id" is already used in \/r\/one:3 \(assignments\[0\]\.id\)/,
    ],
    [
      'a membership rule reusing an assignment id',
      [
        source('/r/one', minimal('devs')),
        source(
          '/r/two',
          'version: 1\nmemberships:\n  - id: devs\n    where: { title: SWE }\n    groups: [Developers]\n',
        ),
      ],
      { document: '/r/two', path: 'memberships[0].id', line: 3, conflictsWith: ['/r/one'] },
      /^rule id "devs" is already used in \/r\/one:3/,
    ],
    [
      'settings in two documents',
      [
        source('/r/one', `${minimal('a')}settings: { mode: report }\n`),
        source('/r/two', `settings: { mode: enforce }\n${minimal('b')}`),
      ],
      { document: '/r/two', path: 'settings', line: 1, conflictsWith: ['/r/one'] },
      /^settings are already given in \/r\/one: only one rules document may hold settings/,
    ],
    [
      'a permission set missing from managedPermissionSets',
      [
        source('/r/settings', 'version: 1\nsettings:\n  managedPermissionSets: [ReadOnlyAccess]\n'),
        source('/r/admins', minimal('a')),
      ],
      {
        document: '/r/admins',
        path: 'assignments[0].permissionSets[0]',
        line: 6,
        conflictsWith: ['/r/settings'],
      },
      /^permission set "AdministratorAccess" is not managed: add it to settings\.managedPermissionSets \(settings in \/r\/settings\)/,
    ],
    [
      'a protected permission set granted',
      [
        source('/r/settings', 'version: 1\nsettings:\n  protected: { permissionSets: [AdministratorAccess] }\n'),
        source('/r/admins', minimal('a')),
      ],
      { document: '/r/admins', path: 'assignments[0].permissionSets[0]', line: 6 },
      /^permission set "AdministratorAccess" is protected/,
    ],
    [
      'a protected principal named by a rule',
      [
        source('/r/settings', 'version: 1\nsettings:\n  protected: { principals: [{ group: Platform Admins }] }\n'),
        source('/r/admins', minimal('a')),
      ],
      { document: '/r/admins', path: 'assignments[0].principals[0]', line: 5 },
      /^group "Platform Admins" is a protected principal/,
    ],
    [
      'a protected user named by a rule',
      [
        source('/r/settings', 'version: 1\nsettings:\n  protected: { principals: [{ user: root@example.com }] }\n'),
        source('/r/admins', minimal('a').replace('group: Platform Admins', 'user: root@example.com')),
      ],
      { document: '/r/admins', path: 'assignments[0].principals[0]', line: 5 },
      /^user "root@example.com" is a protected principal/,
    ],
    [
      'a membership rule adding members to a protected group',
      [
        source('/r/settings', 'version: 1\nsettings:\n  protected: { principals: [{ group: BreakGlass }] }\n'),
        source(
          '/r/m',
          'version: 1\nmemberships:\n  - id: m\n    where: { title: SRE }\n    groups: [Developers, BreakGlass]\n',
        ),
      ],
      { document: '/r/m', path: 'memberships[0].groups[1]', line: 5, conflictsWith: ['/r/settings'] },
      /^group "BreakGlass" is a protected principal/,
    ],
    [
      'a permission set both managed and protected',
      [
        source(
          '/r/settings',
          `${minimal('a')}settings:\n  managedPermissionSets: [AdministratorAccess, BreakGlass]\n  protected: { permissionSets: [BreakGlass] }\n`,
        ),
      ],
      { document: '/r/settings', path: 'settings.managedPermissionSets[1]', line: 10 },
      /^permission set "BreakGlass" is both managed and protected/,
    ],
    [
      'the same document name twice',
      [source('/r/one', minimal('a')), source('/r/one', minimal('b'))],
      { document: '/r/one', path: '' },
      /given twice/,
    ],
  ])('rejects %s', (_name, sources, where, message) => {
    const result = loadRuleSet(sources);

    const issues = issuesOf(result);
    expect(result.ok).toBe(false);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject(where);
    expect(issues[0]?.message).toMatch(message);
  });

  it('allows every permission set when managedPermissionSets is all, protected ones aside', () => {
    const settings =
      'version: 1\nsettings:\n  managedPermissionSets: all\n  protected: { permissionSets: [BreakGlass] }\n';

    const result = loadRuleSet([source('s', settings), source('a', minimal('a'))]);

    expect(issuesOf(result)).toEqual([]);
    expect(result.ok && result.ruleSet.settings.managedPermissionSets).toBe('all');
  });

  it('collects the issues of every document, document by document', () => {
    const result = loadRuleSet([
      source('/r/one', minimal('a').replace('version: 1', 'version: 3')),
      source('/r/two', 'version: 1\nassignments: [\n'),
      source('/r/three', minimal('b').replace('[/Workloads]', '[Workloads]')),
      source('/r/four', minimal('c')),
      source('/r/five', minimal('c')),
    ]);

    expect(issuesOf(result).map(({ document, path }) => `${document} ${path}`)).toEqual([
      '/r/one version',
      '/r/two ',
      '/r/three assignments[0].targets.organizationalUnits[0]',
      '/r/five assignments[0].id',
    ]);
  });

  it('checks the rules of valid documents against the settings even when another document is invalid', () => {
    const result = loadRuleSet([
      source('/r/settings', 'version: 1\nsettings:\n  protected: { permissionSets: [AdministratorAccess] }\n'),
      source('/r/broken', 'version: 1\nassignments: [\n'),
      source('/r/admins', minimal('a')),
    ]);

    expect(issuesOf(result).map(({ document }) => document)).toEqual(['/r/broken', '/r/admins']);
  });
});

describe('formatIssues', () => {
  it.each<[RulesIssue, string]>([
    [{ document: '/r/one', path: 'assignments[0].id', line: 3, message: 'bad' }, '/r/one:3: assignments[0].id: bad'],
    [{ document: '/r/one', path: '', line: 1, message: 'too big' }, '/r/one:1: too big'],
    [{ document: '/r/one', path: 'version', message: 'missing' }, '/r/one: version: missing'],
  ])('formats %j as one line', (issue, line) => {
    expect(formatIssues([issue])).toBe(line);
  });

  it('writes one line per issue', () => {
    const result = loadRuleSet([source('/r/one', 'version: 2\nfoo: 1\n')]);

    expect(formatIssues(issuesOf(result)).split('\n')).toEqual([
      '/r/one:1: version: expected 1, got the number 2',
      '/r/one:2: foo: unknown key "foo" (allowed: version, settings, assignments, memberships)',
    ]);
  });
});
