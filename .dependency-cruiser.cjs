// Layer rules for imports (`npm run lint:layers`; `npm run lint` runs it after ESLint).
// ESLint checks code rules, Prettier the format; this file checks who may import whom.
//
// LAYERS is ordered from the bottom up. A lib may import the libs of lower layers, never those of
// its own layer or above, except the peers listed in PEERS (a domain using another domain through
// its barrel). Libs that do not exist yet are names in the list, so adding one needs no new rule.

/** @type {string[][]} */
const LAYERS = [
  ['kernel'],
  ['gm-crypto', 'contracts'],
  ['platform'],
  ['messaging'],
  ['federation'],
  ['files', 'webhooks'],
  ['catalogue', 'credentials', 'affairs', 'social-insurance', 'medical-settlement'],
  ['node'],
];

/** Same-layer imports that are allowed (the domain order that exists: catalogue ← credentials ← affairs; catalogue, credentials ← social-insurance; credentials ← medical-settlement). */
const PEERS = {
  credentials: ['catalogue'],
  affairs: ['catalogue', 'credentials'],
  'social-insurance': ['catalogue', 'credentials'],
  'medical-settlement': ['credentials'],
};

/** Libs that a `domain/` folder may import: pure ones only. */
const PURE_LIBS = ['kernel', 'gm-crypto', 'contracts'];

/** Exceptions to the pure-domain rule: none. */
const DOMAIN_EXCEPTIONS = [];

const KNOWN = LAYERS.flat();
const rankOf = (lib) => LAYERS.findIndex((layer) => layer.includes(lib));
const alternation = (libs) => libs.map((l) => l.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')).join('|');
const allowedFor = (lib) => [lib, ...KNOWN.filter((l) => rankOf(l) < rankOf(lib)), ...(PEERS[lib] ?? [])];

const layerRules = KNOWN.map((lib) => {
  const allowed = allowedFor(lib);
  return {
    name: `layer-${lib}`,
    severity: 'error',
    comment: `libs/${lib} may import only: ${allowed.filter((l) => l !== lib).join(', ') || 'nothing'} (lower layers and listed peers; see docs/architecture.md "Layers")`,
    from: { path: `^libs/${lib}/` },
    to: { path: '^libs/[^/]+/', pathNot: `^libs/(${alternation(allowed)})/` },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'lib-unknown',
      severity: 'error',
      comment: 'every lib must have a place in LAYERS in .dependency-cruiser.cjs',
      from: { path: `^libs/(?!(${alternation(KNOWN)})/)[^/]+/` },
      to: {},
    },
    {
      name: 'lib-barrel-only',
      severity: 'error',
      comment: 'another lib is imported only through its @guangfo/* barrel (libs/<lib>/src/index.ts)',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'app-to-app',
      severity: 'error',
      comment: 'an app never imports another app: move the shared code to a lib (e.g. @guangfo/node)',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'console-api-only',
      severity: 'error',
      comment: 'the web console (browser code) is a client of the public API: it imports no lib, only its generated API types',
      from: { path: '^apps/console/' },
      to: { path: '^libs/' },
    },
    {
      name: 'app-barrel-only',
      severity: 'error',
      comment: 'apps import libs only through their @guangfo/* barrels',
      from: { path: '^apps/' },
      to: { path: '^libs/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'app-alias-only',
      severity: 'error',
      comment: 'apps import libs by their @guangfo/* alias, never by a relative path',
      from: { path: '^apps/' },
      to: { path: '^libs/', dependencyTypesNot: ['aliased-tsconfig-paths'] },
    },
    {
      name: 'domain-pure',
      severity: 'error',
      comment: `a domain/ folder is pure: no @nestjs/*, typeorm or pg, and of the libs only ${PURE_LIBS.join(', ')}`,
      from: { path: '^libs/([^/]+)/.*/domain/', pathNot: '\\.spec\\.ts$' },
      to: {
        path: ['(^|/)node_modules/(@nestjs/|typeorm/|pg/|pg-)', `^libs/(?!(${alternation(PURE_LIBS)})/)[^/]+/`],
        pathNot: ['^libs/$1/', ...DOMAIN_EXCEPTIONS],
      },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'folders of a lib must not import each other in a circle: move the shared piece down, or invert it (interface/token)',
      scope: 'folder',
      from: { path: '^libs/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no import cycles between modules',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-spec',
      severity: 'error',
      comment: 'code never imports a spec file',
      from: { pathNot: '\\.spec\\.ts$' },
      to: { path: '\\.spec\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Production code only: specs and test fixtures may reach into what they test.
    exclude: { path: ['(^|/)dist/', '(^|/)data/', '\\.spec\\.ts$', '(^|/)test-fixtures/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
