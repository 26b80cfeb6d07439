import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Metrics } from '../../src/metrics/index.js';

interface Target {
  refId: string;
  expr: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  datasource?: { uid: string };
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8'),
) as Dashboard;

/** Every metric name a PromQL expression reads: not functions, keywords, label names or values. */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values and strings
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // range selectors
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // grouping labels
  const keywords = new Set([
    'by',
    'without',
    'on',
    'ignoring',
    'group_left',
    'group_right',
    'bool',
    'and',
    'or',
    'unless',
    'offset',
  ]);
  return [...stripped.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)]
    .filter((match) => match[2] === undefined && !keywords.has(match[1] as string))
    .map((match) => match[1] as string);
}

/** The names a scrape can show: each family, and a histogram's _bucket, _sum and _count. */
async function exposedNames(): Promise<{ names: Set<string>; bulwarkFamilies: string[] }> {
  const metrics = new Metrics({ processMetrics: true });
  metrics.watch({
    database: async () => {},
    redis: () => 'ok',
    passwordWork: () => ({ active: 0, waiting: 0 }),
    revocationSyncAgeMs: () => 0,
  });
  const families = await metrics.registry.getMetricsAsJSON();
  const names = new Set(
    families.flatMap((family) =>
      (String(family.type) === 'histogram' ? ['_bucket', '_sum', '_count'] : ['']).map(
        (suffix) => `${family.name}${suffix}`,
      ),
    ),
  );
  return {
    names,
    bulwarkFamilies: families.map((family) => family.name).filter((name) => name.startsWith('bulwark_')),
  };
}

describe('docs/grafana-dashboard.json', () => {
  const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
  const expressions = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  // label_values(<series selector>, <label>): only the selector names a metric.
  const variableQueries = dashboard.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => (v.query as { query: string }).query.replace(/^label_values\((.*), *\w+\)$/, '$1'));

  it('is a Grafana dashboard: uid, title, schema version, unique panel ids, panels inside a 24-column grid that do not overlap', () => {
    assert.equal(dashboard.uid, 'bulwark-overview');
    assert.equal(typeof dashboard.schemaVersion, 'number');
    assert.ok(dashboard.title.length > 0);
    const ids = dashboard.panels.map((panel) => panel.id);
    assert.equal(new Set(ids).size, ids.length);
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      assert.ok(x >= 0 && w > 0 && x + w <= 24 && h > 0, `${panel.title}: inside the grid`);
      for (let row = y; row < y + h; row++) {
        for (let column = x; column < x + w; column++) {
          assert.ok(!cells.has(`${row}:${column}`), `${panel.title} overlaps another panel`);
          cells.add(`${row}:${column}`);
        }
      }
    }
    for (const panel of panels) {
      assert.ok((panel.targets ?? []).length > 0, `${panel.title}: has queries`);
      assert.equal(panel.datasource?.uid, '${datasource}', `${panel.title}: uses the data source variable`);
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      assert.equal(new Set(refIds).size, refIds.length, `${panel.title}: unique refIds`);
    }
    assert.deepEqual(
      dashboard.templating.list.map((v) => v.name),
      ['datasource', 'job', 'instance'],
    );
  });

  it('every expression is balanced and filters by $job and $instance', () => {
    for (const expr of expressions) {
      for (const [open, close] of [
        ['(', ')'],
        ['{', '}'],
        ['[', ']'],
      ] as const) {
        assert.equal(expr.split(open).length, expr.split(close).length, `${expr}: balanced ${open}${close}`);
      }
      assert.ok(metricNamesIn(expr).length > 0, `${expr}: reads a metric`);
      assert.match(expr, /job=~"\$job", instance=~"\$instance"/, expr);
    }
  });

  it('reads only metrics Bulwark exposes (it cannot drift from the registry), and shows every bulwark_ metric', async () => {
    const { names, bulwarkFamilies } = await exposedNames();
    const used = new Set([...expressions, ...variableQueries].flatMap(metricNamesIn));
    for (const name of used)
      assert.ok(names.has(name), `the dashboard reads ${name}, which no Bulwark process exposes`);
    for (const family of bulwarkFamilies) {
      assert.ok(
        [...used].some((name) => name === family || name.startsWith(`${family}_`)),
        `${family} is on no panel`,
      );
    }
    for (const panelTitle of [
      'Request rate by route',
      'Latency p50 / p99 by route',
      'Token rejections by reason',
      'Logins by outcome',
      'Revocation feed lag p50 / p99',
      'JWKS fetches (payroll-only processes)',
      'Argon2 work',
      'Database up',
      'Redis up',
      'Event loop lag p99',
    ]) {
      assert.ok(
        panels.some((panel) => panel.title === panelTitle),
        `panel ${panelTitle}`,
      );
    }
  });

  it('the name reader finds metrics and skips functions, labels and keywords', () => {
    assert.deepEqual(
      metricNamesIn('histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{x="b c", y=~"$job"}[5m])))'),
      ['a_bucket'],
    );
    assert.deepEqual(metricNamesIn('sum(a_total) / ignoring(x) b_total offset 5m'), ['a_total', 'b_total']);
  });
});
