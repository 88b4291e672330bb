def log = new File(basedir, 'build.log').text
assert log.contains('ssmc: no source directory ' + new File(basedir, 'src/main/ssm').canonicalPath + ', nothing to compile')
assert log.contains('ssmc: skipped (ssmc.skip)')
assert !new File(basedir, 'target/generated-sources/ssm').exists()
true
