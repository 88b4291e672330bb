// The build succeeded (invoker checks that); here: the generated source is where the plugin
// says, was compiled, and the sample's tests ran and passed.
def generated = new File(basedir, 'target/generated-sources/ssm/sample/nets/TinyNetwork.java')
assert generated.isFile() : "no generated source at ${generated}"
assert generated.text.contains('package sample.nets;')
assert generated.text.contains('public final class TinyNetwork')
assert new File(basedir, 'target/classes/sample/nets/TinyNetwork.class').isFile()

def log = new File(basedir, 'build.log').text
assert log.contains('ssmc: 1 class written, 0 files up to date')
def report = new File(basedir, 'target/surefire-reports/TEST-sample.TinyNetworkTest.xml')
assert report.isFile() : 'the sample test did not run'
def suite = (report.text =~ /<testsuite [^>]*/)[0]
assert suite.contains('tests="5"') : suite
['failures', 'errors', 'skipped'].each { assert suite.contains(it + '="0"') : suite }
true
