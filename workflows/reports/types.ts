/** Shapes shared by the monthly report workflow and its activities. Codes and counts only. */

export interface MonthlyReportInput {
  /** YYYY-MM; the month before the run's (local time) when absent, as the schedule starts it. */
  month?: string;
}

export interface PlanMonthlyReportsRequest {
  /** The run's instant (workflow time), ISO. */
  at: string;
  month?: string;
}

export interface MonthlyReportPlan {
  month: string;
  /** Every province of the organisation, each reported on its own. */
  provinces: string[];
}

export interface ProvincialReportRequest {
  province: string;
  month: string;
}

export interface ProvincialReportResult {
  province: string;
  month: string;
  /** noRecipient: nobody holds the committee role in the province (audited). */
  status: 'delivered' | 'partlyFailed' | 'failed' | 'noRecipient';
  recipients: number;
  /** Messages sent (or sent without the server's confirmation: never resent). */
  delivered: number;
  failed: number;
}

export interface MonthlyReportSummary {
  month: string;
  results: ProvincialReportResult[];
}
