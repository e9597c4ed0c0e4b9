// What one source file says about the service name its process reports, in any language: names it sets in the
// resource it builds (or an SDK option), functions whose parameter becomes the service name (a project's own
// `setupTracing('orders')` helper), calls of such helpers, and the files it imports. Languages extract these
// facts; codeServiceName.ts combines them across a project.

export interface ServiceNameSetting {
  readonly service: string;
  /** 0-based line of the setting. */
  readonly line: number;
  /** How it was set: `resourceFromAttributes`, `NodeSDK serviceName`, `setupTracing(…)`. */
  readonly via: string;
}

/** A function whose parameter flows into the service name. */
export interface ServiceNameParameter {
  readonly functionName: string;
  readonly parameterIndex: number;
}

export interface ServiceFacts {
  readonly services: readonly ServiceNameSetting[];
  readonly serviceParameters: readonly ServiceNameParameter[];
  /** Module specifiers this file imports, as written (relative ones are resolved by the project walker). */
  readonly imports: readonly string[];
}

export const emptyServiceFacts: ServiceFacts = { services: [], serviceParameters: [], imports: [] };

/**
 * A cheap test on the text: false means the file surely sets no service name nor calls one of `helperNames`.
 * Every language's service-name keys are covered (`service.name`, `SERVICE_NAME`, `serviceName`, semconv Go
 * `ServiceName(`).
 */
export function mayNameService(text: string, helperNames: readonly string[] = []): boolean {
  if (/service[._]?name|SERVICE_NAME|ServiceName/i.test(text)) return true;
  return helperNames.some((h) => text.includes(h));
}
