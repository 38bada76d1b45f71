// The bench's workflow bundle: the production workflows plus the bare-timer baseline, which the
// production bundle does not carry.
export * from '../index';
export { benchTimerWorkflow } from './timer';
