import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

/** Every series the gateway exports starts with this. */
export const METRIC_PREFIX = 'identity_graph_';

/** Operation names kept as label values per app; later new names are counted under `other`. */
const MAX_OPERATION_NAMES = 200;
const MAX_NAME_LENGTH = 64;

/** What one served request tells the metrics (the access line's fields, without the identities). */
export interface ServedRequest {
  surface: 'graphql' | 'scim';
  /** The operation's name from its document, `anonymous`, or `none` when no operation was resolved. */
  operation: string;
  /** query, mutation, subscription, or the SCIM method. */
  type: string;
  outcome: string;
  /** Every error code the response carries (several GraphQL errors may share a response). */
  errorCodes: readonly string[];
  durationSeconds: number;
  statements: number;
}

/**
 * The gateway's Prometheus registry (prom-client), one per app so several apps in one process
 * (the tests) keep their counts apart. Other parts add their series through `gauge`, `counter`
 * and `histogram`, whose names get the `identity_graph_` prefix; a gauge's `collect` runs at
 * each scrape, so a queue depth or a subscription count is read only when asked for.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private readonly duration: Histogram<'surface' | 'operation' | 'type' | 'outcome'>;
  private readonly errors: Counter<'code'>;
  private readonly statements: Histogram<'operation'>;
  private readonly refusals: Counter<'budget'>;

  constructor(readonly enabled: boolean) {
    if (enabled) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    this.duration = this.histogram({
      name: 'request_duration_seconds',
      help: 'Time from receiving a GraphQL or SCIM request to having answered it, by operation and outcome code',
      labelNames: ['surface', 'operation', 'type', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    this.errors = this.counter({ name: 'errors_total', help: 'Errors answered, by extensions.code (SCIM: by HTTP status)', labelNames: ['code'] });
    this.statements = this.histogram({
      name: 'sql_statements',
      help: 'SQL statements one request sent, by operation',
      labelNames: ['operation'],
      buckets: [0, 1, 2, 3, 5, 10, 20, 50, 100, 500],
    });
    this.refusals = this.counter({
      name: 'rate_limit_refusals_total',
      help: 'Requests refused by a rate limit: budget "key" (cost points per API key) or "address" (failed authentications)',
      labelNames: ['budget'],
    });
  }

  gauge<L extends string>(config: GaugeConfiguration<L>): Gauge<L> {
    return new Gauge({ ...config, name: METRIC_PREFIX + config.name, registers: [this.registry] });
  }

  counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
    return new Counter({ ...config, name: METRIC_PREFIX + config.name, registers: [this.registry] });
  }

  histogram<L extends string>(config: HistogramConfiguration<L>): Histogram<L> {
    return new Histogram({ ...config, name: METRIC_PREFIX + config.name, registers: [this.registry] });
  }

  served(request: ServedRequest): void {
    if (!this.enabled) return;
    const operation = this.operationLabel(request.operation);
    this.duration.observe({ surface: request.surface, operation, type: request.type, outcome: request.outcome }, request.durationSeconds);
    this.statements.observe({ operation }, request.statements);
    for (const code of request.errorCodes) this.errors.inc({ code });
  }

  refused(budget: 'key' | 'address'): void {
    if (this.enabled) this.refusals.inc({ budget });
  }

  /** The exposition text of every series. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Operation names come from documents clients write: each distinct one is a series, so the
   * first MAX_OPERATION_NAMES are kept and any later one is `other`.
   */
  private operationLabel(name: string): string {
    if (this.operationNames.has(name)) return name;
    if (name.length > MAX_NAME_LENGTH || this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }
}
