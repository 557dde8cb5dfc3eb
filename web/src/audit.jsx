// Placeholder page, filled in below.
export function Audit() { return <p>…</p>; }
