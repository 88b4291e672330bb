// The build failed because of the two errors of nets/bad.ssm, each reported at its position with
// the caret rendering in the log, and listed (without a stack trace) in Maven's failure message.
def log = new File(basedir, 'build.log').text
def bad = new File(basedir, 'src/main/ssm/nets/bad.ssm').canonicalPath

def rleu = "${bad}:4:7: error: unknown activation `rleu`"
def states = "${bad}:5:21: error: states must be at least 1, got 0"
assert log.contains(rleu) : "no '${rleu}' in the log"
assert log.contains(states) : "no '${states}' in the log"
// the rendering: the source line, a caret under the offending text and the hint
assert log.contains('    act rleu')
assert log.contains('        ^~~~')
assert log.contains('  hint: did you mean `relu`?')

// Maven's failure message lists both errors (the summary line says so), with no stack trace.
def failure = log.readLines().findIndexOf { it.contains('[ERROR] Failed to execute goal dev.ssmc:ssmc-maven-plugin') }
assert failure >= 0 : 'no failure message'
def afterFailure = log.readLines().drop(failure).join('\n')
assert afterFailure.contains('ssmc: the .ssm sources have errors:')
assert afterFailure.contains(rleu) && afterFailure.contains(states)
assert !log.contains('at dev.ssmc.') : 'a stack trace in the log'
assert log.contains('ssmc: 1 class written, 0 files up to date, 1 file with errors')

// the correct file was compiled; the broken one produced nothing
assert new File(basedir, 'target/generated-sources/ssm/ssmc/generated/GoodNetwork.java').isFile()
assert !new File(basedir, 'target/generated-sources/ssm/ssmc/generated/BadNetwork.java').exists()
true
