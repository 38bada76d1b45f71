// Public API of the protocol package. Workflow code must import './pure' instead: this entry also
// exports the loaders, which read files with node:fs.

export * from './pure';
export {
  calendarDir,
  clearProtocolCaches,
  loadCalendar,
  listProtocolVersions,
  loadProtocol,
  protocolDir,
  readCalendarFiles,
  selectProtocol,
  type LoadCalendarOptions,
  type LoadProtocolOptions,
  type SelectProtocolOptions,
} from './load';
export { canonicalJson, describeChanges, protocolHash, rulesDifference, type RulesChange } from './pins';
