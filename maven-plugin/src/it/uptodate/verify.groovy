// The three runs of invoker.properties, in order, in one build log.
def summaries = new File(basedir, 'build.log').readLines().findAll { it.contains('ssmc: ') && it.contains(' up to date') }
def expected = ['1 class written, 0 files up to date',
                '0 classes written, 1 file up to date',
                '1 class written, 0 files up to date']
assert summaries.size() == 3 : summaries.join('\n')
expected.eachWithIndex { e, i -> assert summaries[i].contains('ssmc: ' + e) : "run ${i + 1}: ${summaries[i]}" }
assert new File(basedir, 'target/generated-sources/ssm/ssmc/generated/TinyNetwork.java').isFile()
true
