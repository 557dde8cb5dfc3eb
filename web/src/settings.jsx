// Placeholder page, filled in below.
export function Settings() { return <p>…</p>; }
