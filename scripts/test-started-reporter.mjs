// A node:test reporter for scripts/run-tests.mjs: prints one marker line as soon as the file's first test
// event arrives, which is after its whole module graph has loaded. The runner strips the line and
// uses it to tell a file that hung while loading (Node 20's tsx loader has been seen to deadlock at
// start-up) from one whose first test is merely slow.
export const STARTED_MARKER = '[run-tests: started]';

export default async function* testsStarted(source) {
  let said = false;
  for await (const _event of source) {
    if (!said) {
      said = true;
      yield `${STARTED_MARKER}\n`;
    }
  }
}
