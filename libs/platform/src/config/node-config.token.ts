/** DI token of the resolved NodeConfig. */
export const NODE_CONFIG = Symbol('NODE_CONFIG');
