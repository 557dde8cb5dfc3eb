// Placeholder page, filled in below.
export function Managers() { return <p>…</p>; }
export function ManagerPage() { return <p>…</p>; }
