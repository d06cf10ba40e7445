// The demo ATS's own candidate records (what a real ATS keeps in its database). No assessment data lives
// here: assessments belong to the BFF and are shown by the widget.
export interface AtsCandidate {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  location: string;
  job: { id: string; title: string };
  stage: 'Applied' | 'Screening' | 'Assessment' | 'Interview' | 'Offer';
  appliedOn: string;
  source: string;
  note: string;
}

export const DEMO_CANDIDATES: readonly AtsCandidate[] = [
  {
    id: 'cand-1001',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada.lovelace@example.com',
    phone: '+44 20 7946 0101',
    location: 'London, UK',
    job: { id: 'job-swe', title: 'Senior Software Engineer' },
    stage: 'Assessment',
    appliedOn: '2026-11-02',
    source: 'Referral',
    note: 'Strong analytical background. Phone screen went well; send the Java coding test and the job-fit games.',
  },
  {
    id: 'cand-1002',
    firstName: 'Grace',
    lastName: 'Hopper',
    email: 'grace.hopper@example.com',
    phone: '+1 212 555 0142',
    location: 'New York, NY',
    job: { id: 'job-sales', title: 'Enterprise Account Executive' },
    stage: 'Screening',
    appliedOn: '2026-11-09',
    source: 'LinkedIn',
    note: 'Ten years in enterprise sales. Certification exam required before the final interview.',
  },
  {
    id: 'cand-1003',
    firstName: 'Alan',
    lastName: 'Turing',
    email: 'alan.turing@example.com',
    phone: '+44 161 496 0733',
    location: 'Manchester, UK',
    job: { id: 'job-data', title: 'Data Scientist' },
    stage: 'Applied',
    appliedOn: '2026-11-12',
    source: 'Careers site',
    note: 'Published work on pattern formation. Screen for the data science team.',
  },
  {
    id: 'cand-1004',
    firstName: 'Katherine',
    lastName: 'Johnson',
    email: 'katherine.johnson@example.com',
    phone: '+1 757 555 0188',
    location: 'Hampton, VA',
    job: { id: 'job-sales', title: 'Enterprise Account Executive' },
    stage: 'Assessment',
    appliedOn: '2026-11-14',
    source: 'Agency',
    note: 'Excellent references. Personality profile requested by the hiring manager.',
  },
  {
    id: 'cand-1005',
    firstName: 'Edsger',
    lastName: 'Dijkstra',
    email: 'edsger.dijkstra@example.com',
    phone: '+31 20 555 0199',
    location: 'Amsterdam, NL',
    job: { id: 'job-swe', title: 'Senior Software Engineer' },
    stage: 'Interview',
    appliedOn: '2026-11-03',
    source: 'Careers site',
    note: 'Prefers written communication. Technical interview booked.',
  },
  {
    id: 'cand-1006',
    firstName: 'Margaret',
    lastName: 'Hamilton',
    email: 'margaret.hamilton@example.com',
    phone: '+1 617 555 0123',
    location: 'Boston, MA',
    job: { id: 'job-swe', title: 'Senior Software Engineer' },
    stage: 'Screening',
    appliedOn: '2026-11-16',
    source: 'Referral',
    note: 'Led flight software teams. Fast-track.',
  },
];
