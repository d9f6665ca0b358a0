/** Present only in the sandbox: the demo identity provider. */
export const DEMO_IDENTITY = Symbol('DEMO_IDENTITY');
