/**
 * A strict reader of the Prometheus text exposition format (0.0.4): it throws on any line that is
 * not a HELP, TYPE, comment or well-formed sample, on a sample outside a declared family, on a
 * duplicate series, and on a histogram whose buckets are not cumulative or disagree with _count.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Family name → type (counter, gauge, histogram, ...). */
  types: Map<string, string>;
  /** The sample's value; undefined when no such series. `labels` must match exactly. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '(?:[^"\\\\\\n]|\\\\[\\\\"n])*';
// NaN and Inf as Prometheus parses them (Go's ParseFloat: any case); prom-client writes `Nan`
// for a gauge with no sample yet (the event-loop lag right after start).
const NUMBER = '(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[Nn][Aa][Nn]|[-+][Ii]nf)';
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL}="${LABEL_VALUE}")(?:,${LABEL}="${LABEL_VALUE}")*)?,?\\})? (${NUMBER})(?: -?\\d+)?$`,
);
const PAIR = new RegExp(`(${LABEL})="(${LABEL_VALUE})"`, 'g');
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

const key = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.keys(labels)
    .sort()
    .map((l) => `${l}=${JSON.stringify(labels[l])}`)
    .join(',')}}`;

export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const seen = new Map<string, Sample>();
  const samples: Sample[] = [];
  const familyOf = (name: string): string | undefined => {
    if (types.has(name) && !['histogram'].includes(types.get(name) as string)) return name;
    for (const [family, type] of types) {
      if ((SUFFIXES[type] ?? []).some((suffix) => suffix !== '' && name === family + suffix)) return family;
    }
    return undefined;
  };
  text.split('\n').forEach((line, index) => {
    const where = `line ${index + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('# HELP ')) {
      if (!HELP.test(line)) throw new Error(`bad HELP, ${where}`);
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const match = TYPE.exec(line);
      if (match === null) throw new Error(`bad TYPE, ${where}`);
      const name = match[1] as string;
      if (types.has(name)) throw new Error(`second TYPE for ${name}, ${where}`);
      if (samples.some((s) => s.name === name || s.name.startsWith(`${name}_`)))
        throw new Error(`TYPE after samples, ${where}`);
      types.set(name, match[2] as string);
      return;
    }
    if (line.startsWith('#')) return;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`not a sample, ${where}`);
    const name = match[1] as string;
    if (familyOf(name) === undefined) throw new Error(`sample of no declared family, ${where}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(PAIR)) {
      if ((pair[1] as string) in labels) throw new Error(`repeated label, ${where}`);
      labels[pair[1] as string] = (pair[2] as string).replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    const raw = match[3] ?? '';
    const sample = { name, labels, value: /^nan$/i.test(raw) ? Number.NaN : Number(raw.replace(/inf$/i, 'Infinity')) };
    if (seen.has(key(name, labels))) throw new Error(`duplicate series, ${where}`);
    seen.set(key(name, labels), sample);
    samples.push(sample);
  });
  for (const [family, type] of types) if (type === 'histogram') checkHistogram(family, samples);
  return {
    samples,
    types,
    value: (name, labels = {}) => seen.get(key(name, labels))?.value,
  };
}

function checkHistogram(family: string, samples: Sample[]): void {
  const series = new Map<string, Sample[]>();
  for (const sample of samples.filter((s) => s.name === `${family}_bucket`)) {
    const { le, ...rest } = sample.labels;
    if (le === undefined) throw new Error(`${family}: a bucket without le`);
    const id = key(family, rest);
    series.set(id, [...(series.get(id) ?? []), sample]);
  }
  for (const [id, buckets] of series) {
    const bounds = buckets.map((b) => Number((b.labels.le as string).replace('Inf', 'Infinity')));
    if (bounds.at(-1) !== Infinity) throw new Error(`${id}: no +Inf bucket last`);
    for (let i = 1; i < buckets.length; i++) {
      if (!((bounds[i] as number) > (bounds[i - 1] as number))) throw new Error(`${id}: bucket bounds not increasing`);
      if ((buckets[i] as Sample).value < (buckets[i - 1] as Sample).value)
        throw new Error(`${id}: buckets not cumulative`);
    }
    const { le: _le, ...labels } = (buckets[0] as Sample).labels;
    const count = samples.find((s) => s.name === `${family}_count` && key(family, s.labels) === key(family, labels));
    if (count === undefined || count.value !== (buckets.at(-1) as Sample).value)
      throw new Error(`${id}: _count differs from the +Inf bucket`);
  }
}
