/* Test data for spec_test.c: a config.json using every section, and the
 * table of invalid configs with the exact message each must produce.
 * Single quotes stand for double quotes (see q() in spec_test.c). */
#ifndef HULL_SPEC_TEST_CASES_H
#define HULL_SPEC_TEST_CASES_H

#define BASE "'ociVersion':'1.0.2','process':{'args':['sh'],'cwd':'/'},'root':{'path':'rootfs'}"
#define WITH(extra) "{" BASE "," extra "}"
#define LINUX(extra) WITH ("'linux':{" extra "}")

/* ---- a config with every section ---- */

static const char full_config[] =
  "{"
  " 'ociVersion': '1.3.0',"
  " 'process': {"
  "  'terminal': true, 'consoleSize': {'height': 25, 'width': 80},"
  "  'user': {'uid': 1000, 'gid': 1001, 'umask': 18, 'additionalGids': [5, 6], 'username': 'u'},"
  "  'args': ['/bin/sh', '-c', 'true'],"
  "  'env': ['PATH=/bin', 'TERM=xterm'],"
  "  'cwd': '/home',"
  "  'capabilities': {'bounding': ['CAP_KILL', 'CAP_CHOWN'], 'effective': ['CAP_KILL'],"
  "                   'inheritable': [], 'permitted': ['CAP_KILL'], 'ambient': ['CAP_KILL']},"
  "  'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': 4096},"
  "              {'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 18446744073709551615}],"
  "  'noNewPrivileges': true, 'apparmorProfile': 'prof', 'oomScoreAdj': -500,"
  "  'scheduler': {'policy': 'SCHED_BATCH', 'nice': -5, 'flags': ['SCHED_FLAG_RESET_ON_FORK'],"
  "                'runtime': 10, 'deadline': 20, 'period': 30},"
  "  'selinuxLabel': 'system_u:system_r:container_t:s0',"
  "  'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 4},"
  "  'execCPUAffinity': {'initial': '0', 'final': '1-3'}"
  " },"
  " 'root': {'path': '/var/lib/rootfs', 'readonly': true},"
  " 'hostname': 'box', 'domainname': 'example.org',"
  " 'mounts': ["
  "  {'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
  "  {'destination': '/data', 'type': 'bind', 'source': '/srv/data', 'options': ['rbind', 'ro'],"
  "   'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}],"
  "   'gidMappings': [{'containerID': 0, 'hostID': 200000, 'size': 10}]}"
  " ],"
  " 'hooks': {"
  "  'prestart': [{'path': '/bin/pre', 'args': ['pre', 'x'], 'env': ['A=1'], 'timeout': 5}],"
  "  'createRuntime': [{'path': '/bin/cr'}], 'createContainer': [{'path': '/bin/cc'}],"
  "  'startContainer': [{'path': '/bin/sc'}], 'poststart': [{'path': '/bin/ps'}],"
  "  'poststop': [{'path': '/bin/stop1'}, {'path': '/bin/stop2'}]"
  " },"
  " 'annotations': {'org.example.key': 'value', 'b': ''},"
  " 'linux': {"
  "  'namespaces': [{'type': 'pid'}, {'type': 'network', 'path': '/var/run/netns/x'},"
  "                 {'type': 'mount'}, {'type': 'ipc'}, {'type': 'uts'}, {'type': 'user'},"
  "                 {'type': 'cgroup'}, {'type': 'time'}],"
  "  'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}],"
  "  'gidMappings': [{'containerID': 0, 'hostID': 1001, 'size': 1},"
  "                  {'containerID': 1, 'hostID': 100000, 'size': 65535}],"
  "  'timeOffsets': {'monotonic': {'secs': -10, 'nanosecs': 5}, 'boottime': {'secs': 3600}},"
  "  'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229,"
  "               'fileMode': 438, 'uid': 0, 'gid': 0},"
  "              {'path': '/dev/fifo', 'type': 'p'}],"
  "  'cgroupsPath': '/hull/test',"
  "  'resources': {"
  "   'devices': [{'allow': false, 'access': 'rwm'},"
  "               {'allow': true, 'type': 'c', 'major': 10, 'minor': 229, 'access': 'rw'}],"
  "   'memory': {'limit': -1, 'reservation': 1048576, 'swap': 2097152, 'swappiness': 10,"
  "              'disableOOMKiller': true, 'checkBeforeUpdate': false},"
  "   'cpu': {'shares': 1024, 'quota': 50000, 'period': 100000, 'burst': 1000,"
  "           'realtimeRuntime': 950, 'realtimePeriod': 1000, 'cpus': '0-3', 'mems': '0', 'idle': 1},"
  "   'pids': {'limit': 32},"
  "   'blockIO': {'weight': 500, 'leafWeight': 300,"
  "               'weightDevice': [{'major': 8, 'minor': 0, 'weight': 600}],"
  "               'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 1000}],"
  "               'throttleWriteIOPSDevice': [{'major': 8, 'minor': 16, 'rate': 50}]},"
  "   'hugepageLimits': [{'pageSize': '2MB', 'limit': 209715200}],"
  "   'network': {'classID': 1048577, 'priorities': [{'name': 'eth0', 'priority': 500}]},"
  "   'rdma': {'mlx5_1': {'hcaHandles': 3, 'hcaObjects': 10000}},"
  "   'unified': {'memory.high': '1G', 'io.weight': 'default 100'}"
  "  },"
  "  'rootfsPropagation': 'rslave',"
  "  'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,"
  "              'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],"
  "              'flags': ['SECCOMP_FILTER_FLAG_LOG'],"
  "              'listenerPath': '/run/seccomp.sock', 'listenerMetadata': 'meta',"
  "              'syscalls': [{'names': ['read', 'write'], 'action': 'SCMP_ACT_ALLOW'},"
  "                           {'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
  "                            'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'},"
  "                                     {'index': 1, 'value': 255, 'valueTwo': 7, 'op': 'SCMP_CMP_MASKED_EQ'}]},"
  "                           {'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38},"
  "                           {'names': ['ioctl'], 'action': 'SCMP_ACT_NOTIFY'}]},"
  "  'sysctl': {'net.ipv4.ip_forward': '1', 'kernel.shmmax': '4096'},"
  "  'maskedPaths': ['/proc/kcore', '/sys/firmware'],"
  "  'readonlyPaths': ['/proc/sys'],"
  "  'mountLabel': 'system_u:object_r:container_file_t:s0',"
  "  'personality': {'domain': 'LINUX32', 'flags': []},"
  "  'memoryPolicy': {'mode': 'MPOL_INTERLEAVE', 'nodes': '0-1', 'flags': ['MPOL_F_STATIC_NODES']},"
  "  'netDevices': {'eth1': {'name': 'ceth0'}, 'eth2': {}},"
  "  'intelRdt': {'closID': 'guaranteed_group', 'l3CacheSchema': 'L3:0=7f0'}"
  " }"
  "}";

/* ---- the bad-input table ---- */

static const struct {
  const char *name, *json, *msg;
} bad[] = {
  { "malformed JSON", "{'ociVersion': }",
    "config.json: .ociVersion: invalid JSON: parse error: unallowed token at this point in JSON text (line 1, column 16)" },
  { "malformed JSON, line and column", "{\n  'ociVersion': '1.0.0',\n  'process': x\n}",
    "config.json: .process: invalid JSON: lexical error: invalid char in json text (line 3, column 14)" },
  { "empty input", "",
    "config.json: invalid JSON: parse error: premature EOF (line 1, column 1)" },
  { "truncated", "{'ociVersion': '1.0.0'",
    "config.json: invalid JSON: parse error: premature EOF (line 1, column 23)" },
  { "trailing garbage", "{} {}",
    "config.json: invalid JSON: parse error: trailing garbage (line 1, column 4)" },
  /* Stricter than Go's decoder (and yajl_tree_parse): what one reader
   * would take and another read differently. */
  { "a comment", "{'ociVersion':'1.0.0', /* x */ 'process':{}}",
    "config.json: invalid JSON: lexical error: probable comment found in input text, comments are not enabled (line 1, column 24)" },
  { "a comment in an array", "{'process':{'args':['sh', // x\n 'y']}}",
    "config.json: .process.args[1]: invalid JSON: lexical error: probable comment found in input text, comments are not enabled (line 1, column 27)" },
  { "NUL in a string", WITH ("'hostname':'a\\u0000b'"),
    "config.json: .hostname: NUL character (\\u0000) in a string" },
  { "NUL in an array element", "{'process':{'args':['sh','\\u0000']}}",
    "config.json: .process.args[1]: NUL character (\\u0000) in a string" },
  { "NUL in a key", "{'process':{'a\\u0000':1}}",
    "config.json: .process: NUL character (\\u0000) in a key" },
  { "duplicate key", WITH ("'hostname':'a','hostname':'b'"),
    "config.json: .hostname: duplicate key" },
  { "duplicate annotation", WITH ("'annotations':{'k':'1','j':'0','k':'2'}"),
    "config.json: .annotations.k: duplicate key" },
  { "duplicate key in an array element", LINUX ("'namespaces':[{'type':'pid'},{'type':'uts','path':'','type':'ipc'}]"),
    "config.json: .linux.namespaces[1].type: duplicate key" },
  { "unknown capability", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','capabilities':{'bounding':['CAP_KILL','CAP_FOO']}}}",
    "config.json: .process.capabilities.bounding[1]: unknown capability \"CAP_FOO\"" },
  { "capability in lower case", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','capabilities':{'ambient':['cap_kill']}}}",
    "config.json: .process.capabilities.ambient[0]: unknown capability \"cap_kill\"" },
  { "capability without CAP_", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','capabilities':{'effective':['KILL']}}}",
    "config.json: .process.capabilities.effective[0]: unknown capability \"KILL\"" },
  { "root not an object", "['ociVersion']",
    "config.json: expected a JSON object at the top level" },
  { "missing ociVersion", "{'process':{'args':['sh'],'cwd':'/'},'root':{'path':'r'}}",
    "config.json: .ociVersion: required field missing" },
  { "ociVersion 2.0.0", "{'ociVersion':'2.0.0'}",
    "config.json: .ociVersion: unsupported version \"2.0.0\" (hull supports 1.x)" },
  { "ociVersion not semver", "{'ociVersion':'v1'}",
    "config.json: .ociVersion: invalid version \"v1\" (expected a semantic version such as \"1.3.0\")" },
  { "ociVersion number", "{'ociVersion':1}",
    "config.json: .ociVersion: expected a string" },
  { "process not an object", "{'ociVersion':'1.0.0','process':[]}",
    "config.json: .process: expected an object" },
  { "args[0] number", "{'ociVersion':'1.0.0','process':{'args':[1],'cwd':'/'}}",
    "config.json: .process.args[0]: expected a string" },
  { "args missing", "{'ociVersion':'1.0.0','process':{'cwd':'/'}}",
    "config.json: .process.args: required field missing" },
  { "args empty", "{'ociVersion':'1.0.0','process':{'args':[],'cwd':'/'}}",
    "config.json: .process.args: expected a non-empty array" },
  { "env not an array", "{'ociVersion':'1.0.0','process':{'args':['sh'],'env':'PATH=/','cwd':'/'}}",
    "config.json: .process.env: expected an array" },
  { "cwd missing", "{'ociVersion':'1.0.0','process':{'args':['sh']}}",
    "config.json: .process.cwd: required field missing" },
  { "cwd relative", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'tmp'}}",
    "config.json: .process.cwd: expected an absolute path, got \"tmp\"" },
  { "terminal wrong type", "{'ociVersion':'1.0.0','process':{'terminal':'yes','args':['sh'],'cwd':'/'}}",
    "config.json: .process.terminal: expected a boolean" },
  { "negative uid", "{'ociVersion':'1.0.0','process':{'user':{'uid':-1,'gid':0},'args':['sh'],'cwd':'/'}}",
    "config.json: .process.user.uid: expected a non-negative integer" },
  { "huge uid", "{'ociVersion':'1.0.0','process':{'user':{'uid':4294967296,'gid':0},'args':['sh'],'cwd':'/'}}",
    "config.json: .process.user.uid: value 4294967296 out of range (0..4294967295)" },
  { "fractional gid", "{'ociVersion':'1.0.0','process':{'user':{'uid':0,'gid':1.5},'args':['sh'],'cwd':'/'}}",
    "config.json: .process.user.gid: expected an integer" },
  { "gid beyond uint64", "{'ociVersion':'1.0.0','process':{'user':{'uid':0,'gid':99999999999999999999999},'args':['sh'],'cwd':'/'}}",
    "config.json: .process.user.gid: value 99999999999999999999999 out of range (0..4294967295)" },
  { "user without gid", "{'ociVersion':'1.0.0','process':{'user':{'uid':0},'args':['sh'],'cwd':'/'}}",
    "config.json: .process.user.gid: required field missing" },
  { "additionalGids element", "{'ociVersion':'1.0.0','process':{'user':{'uid':0,'gid':0,'additionalGids':[1,'x']},'args':['sh'],'cwd':'/'}}",
    "config.json: .process.user.additionalGids[1]: expected an integer" },
  { "capability not a string", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','capabilities':{'bounding':['CAP_KILL',{}]}}}",
    "config.json: .process.capabilities.bounding[1]: expected a string" },
  { "unknown rlimit", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]}}",
    "config.json: .process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"" },
  { "duplicate rlimit", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},{'type':'RLIMIT_NOFILE','soft':2,'hard':2}]}}",
    "config.json: .process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"" },
  { "rlimit negative soft", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_CORE','soft':-1,'hard':1}]}}",
    "config.json: .process.rlimits[0].soft: expected a non-negative integer" },
  { "rlimit missing hard", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_CORE','soft':1}]}}",
    "config.json: .process.rlimits[0].hard: required field missing" },
  { "oomScoreAdj out of range", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','oomScoreAdj':1001}}",
    "config.json: .process.oomScoreAdj: value 1001 out of range (-1000..1000)" },
  { "scheduler policy", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','scheduler':{'policy':'SCHED_FAST'}}}",
    "config.json: .process.scheduler.policy: unknown scheduling policy \"SCHED_FAST\"" },
  { "ioPriority class", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/','ioPriority':{'class':'RT'}}}",
    "config.json: .process.ioPriority.class: unknown I/O priority class \"RT\"" },
  { "missing root", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/'}}",
    "config.json: .root: required field missing" },
  { "missing root.path", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/'},'root':{'readonly':true}}",
    "config.json: .root.path: required field missing" },
  { "empty root.path", "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':'/'},'root':{'path':''}}",
    "config.json: .root.path: expected a non-empty string" },
  { "hostname number", WITH ("'hostname':7"),
    "config.json: .hostname: expected a string" },
  { "mount not an object", WITH ("'mounts':['/proc']"),
    "config.json: .mounts[0]: expected an object" },
  { "relative mount destination", WITH ("'mounts':[{'destination':'/proc'},{'destination':'proc','type':'proc'}]"),
    "config.json: .mounts[1].destination: expected an absolute path, got \"proc\"" },
  { "mount without destination", WITH ("'mounts':[{'type':'tmpfs'}]"),
    "config.json: .mounts[0].destination: required field missing" },
  { "mount options not strings", WITH ("'mounts':[{'destination':'/x','options':['ro',1]}]"),
    "config.json: .mounts[0].options[1]: expected a string" },
  { "mount mapping size 0", WITH ("'mounts':[{'destination':'/x','uidMappings':[{'containerID':0,'hostID':1,'size':0}]}]"),
    "config.json: .mounts[0].uidMappings[0].size: expected a positive integer" },
  { "hook path relative", WITH ("'hooks':{'prestart':[{'path':'hook'}]}"),
    "config.json: .hooks.prestart[0].path: expected an absolute path, got \"hook\"" },
  { "hook without path", WITH ("'hooks':{'poststop':[{'args':['x']}]}"),
    "config.json: .hooks.poststop[0].path: required field missing" },
  { "hook timeout zero", WITH ("'hooks':{'createRuntime':[{'path':'/h','timeout':0}]}"),
    "config.json: .hooks.createRuntime[0].timeout: expected a positive integer" },
  { "annotations not an object", WITH ("'annotations':['a']"),
    "config.json: .annotations: expected an object" },
  { "annotation value not a string", WITH ("'annotations':{'a.b/c':1}"),
    "config.json: .annotations[\"a.b/c\"]: expected a string" },
  { "linux not an object", WITH ("'linux':true"),
    "config.json: .linux: expected an object" },
  { "unknown namespace type", LINUX ("'namespaces':[{'type':'pid'},{'type':'ipc'},{'type':'foo'}]"),
    "config.json: .linux.namespaces[2].type: unknown namespace \"foo\"" },
  { "duplicate namespace", LINUX ("'namespaces':[{'type':'pid'},{'type':'pid'}]"),
    "config.json: .linux.namespaces[1]: duplicate namespace \"pid\"" },
  { "relative namespace path", LINUX ("'namespaces':[{'type':'network','path':'netns'}]"),
    "config.json: .linux.namespaces[0].path: expected an absolute path, got \"netns\"" },
  { "namespace without type", LINUX ("'namespaces':[{'path':'/proc/1/ns/pid'}]"),
    "config.json: .linux.namespaces[0].type: required field missing" },
  { "uidMappings size 0", LINUX ("'uidMappings':[{'containerID':0,'hostID':1000,'size':0}]"),
    "config.json: .linux.uidMappings[0].size: expected a positive integer" },
  { "gidMappings missing hostID", LINUX ("'gidMappings':[{'containerID':0,'size':1}]"),
    "config.json: .linux.gidMappings[0].hostID: required field missing" },
  { "bad device type", LINUX ("'devices':[{'path':'/dev/x','type':'x','major':1,'minor':1}]"),
    "config.json: .linux.devices[0].type: invalid device type \"x\" (expected \"c\", \"b\", \"u\" or \"p\")" },
  { "relative device path", LINUX ("'devices':[{'path':'dev/null','type':'c','major':1,'minor':3}]"),
    "config.json: .linux.devices[0].path: expected an absolute path, got \"dev/null\"" },
  { "char device without major", LINUX ("'devices':[{'path':'/dev/x','type':'c','minor':3}]"),
    "config.json: .linux.devices[0].major: required field missing" },
  { "sysctl value not a string", LINUX ("'sysctl':{'net.ipv4.ip_forward':1}"),
    "config.json: .linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string" },
  { "relative masked path", LINUX ("'maskedPaths':['/proc/kcore','proc/keys']"),
    "config.json: .linux.maskedPaths[1]: expected an absolute path, got \"proc/keys\"" },
  { "bad rootfsPropagation", LINUX ("'rootfsPropagation':'recursive'"),
    "config.json: .linux.rootfsPropagation: unknown propagation \"recursive\" (expected shared, slave, private, unbindable or their r-prefixed forms)" },
  { "bad personality", LINUX ("'personality':{'domain':'LINUX64'}"),
    "config.json: .linux.personality.domain: unknown personality domain \"LINUX64\" (expected \"LINUX\" or \"LINUX32\")" },
  { "unknown time clock", LINUX ("'timeOffsets':{'realtime':{'secs':1}}"),
    "config.json: .linux.timeOffsets.realtime: unknown clock \"realtime\" (expected \"monotonic\" or \"boottime\")" },
  { "nanosecs out of range", LINUX ("'timeOffsets':{'boottime':{'nanosecs':1000000000}}"),
    "config.json: .linux.timeOffsets.boottime.nanosecs: value 1000000000 out of range (0..999999999)" },
  { "memory limit not a number", LINUX ("'resources':{'memory':{'limit':'1G'}}"),
    "config.json: .linux.resources.memory.limit: expected an integer" },
  { "device rule access", LINUX ("'resources':{'devices':[{'allow':true,'access':'rwx'}]}"),
    "config.json: .linux.resources.devices[0].access: invalid access \"rwx\" (expected a combination of r, w and m)" },
  { "pids without limit", LINUX ("'resources':{'pids':{}}"),
    "config.json: .linux.resources.pids.limit: required field missing" },
  { "blkio weight out of range", LINUX ("'resources':{'blockIO':{'weight':70000}}"),
    "config.json: .linux.resources.blockIO.weight: value 70000 out of range (0..65535)" },
  { "seccomp unknown action", LINUX ("'seccomp':{'defaultAction':'SCMP_ACT_MAYBE'}"),
    "config.json: .linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_MAYBE\"" },
  { "seccomp syscall without names", LINUX ("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'action':'SCMP_ACT_ERRNO'}]}"),
    "config.json: .linux.seccomp.syscalls[0].names: required field missing" },
  { "seccomp arg op", LINUX ("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['x'],'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':1,'op':'EQ'}]}]}"),
    "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"EQ\"" },
  { "seccomp arg index", LINUX ("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['x'],'action':'SCMP_ACT_ERRNO','args':[{'index':6,'value':1,'op':'SCMP_CMP_EQ'}]}]}"),
    "config.json: .linux.seccomp.syscalls[0].args[0].index: value 6 out of range (0..5)" },
  { "seccomp notify without listener", LINUX ("'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['x'],'action':'SCMP_ACT_NOTIFY'}]}"),
    "config.json: .linux.seccomp.listenerPath: required field missing (an action is SCMP_ACT_NOTIFY)" },
};

#endif
