/**
 * OpenTelemetry tracing, switched by the standard OTEL_* variables. This file imports nothing of
 * OpenTelemetry: the SDK and its instrumentations are loaded (dynamic import) only when tracing
 * is on, so a gateway without OTEL_* variables pays nothing for it.
 */

const TRUE = /^(true|1|yes|on)$/i;

/**
 * On when an OTLP endpoint is named (OTEL_EXPORTER_OTLP_ENDPOINT, or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or OTEL_TRACES_EXPORTER names an exporter, unless
 * OTEL_SDK_DISABLED is true or OTEL_TRACES_EXPORTER is `none`.
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (TRUE.test(env.OTEL_SDK_DISABLED?.trim() ?? '')) return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter === 'none') return false;
  return !!(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || exporter);
}

export interface Tracing {
  /** Sends the spans still buffered and stops the SDK. */
  stop(): Promise<void>;
}

/**
 * Starts the SDK with HTTP, GraphQL, knex and pg instrumentation. It must run before the gateway's
 * modules are imported: the instrumentations patch `http`, `graphql`, `knex` and `pg` as they are
 * required. Exporter, endpoint, protocol, sampler, service name and resource come from the
 * OTEL_* variables as the SDK reads them.
 */
export async function startTracing(env: NodeJS.ProcessEnv): Promise<Tracing> {
  const [{ NodeSDK }, { HttpInstrumentation }, { GraphQLInstrumentation }, { KnexInstrumentation }, { PgInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-graphql'),
    import('@opentelemetry/instrumentation-knex'),
    import('@opentelemetry/instrumentation-pg'),
  ]);
  if (!env.OTEL_SERVICE_NAME) env.OTEL_SERVICE_NAME = 'identity-graph';
  const sdk = new NodeSDK({
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would drown the traces of real requests.
        ignoreIncomingRequestHook: (req) => ['/health', '/ready', '/metrics'].includes((req.url ?? '').split('?')[0]),
      }),
      // Trivial field resolvers (most of them) would make a span per field of every row.
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
      new KnexInstrumentation({ maxQueryLength: 2000 }),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  return { stop: () => sdk.shutdown() };
}
