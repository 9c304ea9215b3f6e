declare module 'bpmn-auto-layout' {
  /** Adds BPMN DI (a layout) to a diagram that has only its semantic part. */
  export function layoutProcess(xml: string): Promise<string>;
}
