/** What the profile found and what each change bought: kept with the numbers it explains. */
export const WHAT_CHANGED = `## What the profile found, and what each change bought

(filled in below)
`;
