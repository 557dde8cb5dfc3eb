// Placeholder page, filled in below.
export function Apps() { return <p>…</p>; }
