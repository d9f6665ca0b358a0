/** What a node says about itself in its announcements. Supplied by the app's composition root. */
export interface NodeIdentity {
  catalogue(): { version: string; hash: string };
  /** The working-day calendar's official years and hash (cities compare them: deadlines must agree). */
  calendar(): { version: string; hash: string };
  domains: string[];
}

export const NODE_IDENTITY = Symbol('NODE_IDENTITY');
