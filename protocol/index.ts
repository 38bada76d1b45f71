// Public API of the protocol package. Workflow code must import './pure' instead: this entry also
// exports the loaders, which read files with node:fs.

export * from './pure';
export {
  calendarDir,
  clearProtocolCaches,
  loadCalendar,
  loadProtocol,
  protocolDir,
  readCalendarFiles,
  type LoadCalendarOptions,
  type LoadProtocolOptions,
} from './load';
