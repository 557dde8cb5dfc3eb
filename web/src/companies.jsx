// Placeholder page, filled in below.
export function Companies() { return <p>…</p>; }
export function CompanyPage() { return <p>…</p>; }
