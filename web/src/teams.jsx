// Placeholder page, filled in below.
export function Teams() { return <p>…</p>; }
