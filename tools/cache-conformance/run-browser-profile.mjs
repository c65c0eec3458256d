// Runs the suite in its private-cache (browser) profile against a cache at BASE_URL:
// runTests(..., browserCache = true) skips browser_skip tests and runs browser_only ones, and
// the client adds no no-store hack headers. Usage:
//   node --no-warnings run-browser-profile.mjs BASE_URL [test-id]   (from the suite's directory; measure.sh copies it there)
// Results JSON goes to $RESULTS (default ./results-run.json); a summary to stdout.
import { runTests, getResults } from './test-engine/client/runner.mjs'
import { determineTestResult } from './test-engine/lib/results.mjs'
import fetch from 'node-fetch'
import tests from './tests/index.mjs'
import fs from 'fs'

// A browser's Fetch layer turns a request's cache mode into request fields before its HTTP
// cache sees the request (Fetch standard, HTTP-network-or-cache fetch); the front is that
// HTTP cache, so do the same here.
const globalFetch = globalThis.fetch
globalThis.fetch = (url, init = {}) => {
  if (init.cache !== undefined) {
    const headers = init.headers || []
    const has = (n) => headers.some(h => h[0].toLowerCase() === n)
    if ((init.cache === 'no-store' || init.cache === 'reload') && !has('pragma')) headers.push(['Pragma', 'no-cache'])
    if ((init.cache === 'no-store' || init.cache === 'reload') && !has('cache-control')) headers.push(['Cache-Control', 'no-cache'])
    if (init.cache === 'no-cache' && !has('cache-control')) headers.push(['Cache-Control', 'max-age=0'])
    init.headers = headers
    delete init.cache
  }
  return globalFetch(url, init)
}

const baseUrl = process.argv[2]
const testId = process.argv[3] || ''
let testsToRun = tests
if (testId !== '') {
  testsToRun = []
  tests.forEach(suite => suite.tests.forEach(test => {
    if (test.id === testId) { test.dump = true; testsToRun.push({ name: suite.name, id: suite.id, tests: [test] }) }
  }))
}
await runTests(testsToRun, fetch, true, baseUrl)
const results = getResults()
fs.writeFileSync(process.env.RESULTS || './results-run.json', JSON.stringify(results, null, 2))
const count = { required: { pass: 0, fail: 0, other: 0 }, optimal: { pass: 0, fail: 0, other: 0 } }
const lines = []
for (const suite of tests) {
  for (const test of suite.tests) {
    if (!(test.id in results)) continue
    const kind = test.kind || 'required'
    const r = results[test.id]
    const det = determineTestResult(tests, test.id, results, true)
    if (kind === 'check') {
      if (process.env.SHOW_CHECKS && r !== true) lines.push(`check\t${test.id}\t${det[2]}\t${r[0]}: ${r[1]}`)
      continue
    }
    if (r === true) count[kind].pass++
    else {
      if (r[0] === 'Assertion') count[kind].fail++; else count[kind].other++
      lines.push(`${kind}\t${test.id}\t${det[2]}\t${r[0]}: ${r[1]}`)
    }
  }
}
console.log(lines.join('\n'))
const total = count.required.pass + count.optimal.pass
const n = ['required', 'optimal'].reduce((a, k) => a + count[k].pass + count[k].fail + count[k].other, 0)
console.log(JSON.stringify(count))
console.log(`passed ${total} of ${n} required+optimal`)
