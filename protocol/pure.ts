// Everything in the protocol package that is safe inside Temporal's workflow sandbox: no Node APIs,
// no file access. Workflows import from here; activities and the API may use ./index.

export * from './definition';
export * from './errors';
export * from './holiday-calendar';
export * from './local-time';
export * from './parse';
export * from './working-days';
export * from './deadlines';
