// The shapes of the E*TRADE simulator's answers: JSON for the Market API, form-encoded for the OAuth
// endpoints (a refusal names its cause in `oauth_problem`, after the OAuth 1.0 Problem Reporting
// extension), HTML for the rest.

export interface Answer {
  status: number;
  body: string;
  /** Content-Type; default text/html. */
  type?: string;
  headers?: Record<string, string>;
}

export const json = (status: number, body: unknown): Answer => ({ status, body: JSON.stringify(body), type: 'application/json' });

export const form = (params: Record<string, string>): Answer => ({ status: 200, body: new URLSearchParams(params).toString(), type: 'application/x-www-form-urlencoded' });

export const problem = (name: string, status = 401): Answer => ({ status, body: `oauth_problem=${name}`, type: 'application/x-www-form-urlencoded' });
