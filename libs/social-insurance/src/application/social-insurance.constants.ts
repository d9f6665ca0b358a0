/** `source` domain of this library's events, and the audit resource prefix. */
export const SOCIAL_INSURANCE_DOMAIN = 'social-insurance';
/** Partner scope of employers' monthly contribution reports. */
export const REPORT_SCOPE = 'social-insurance:report';
