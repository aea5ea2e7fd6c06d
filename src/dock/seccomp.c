/* Docker's default seccomp profile, as it applies to a container with Docker's
 * default capabilities on x86_64 (moby's profiles/seccomp/default.json as of
 * Docker 25 and later, whose entries under "includes"/"excludes" are resolved
 * here for those capabilities and a kernel newer than 4.8): an allow-list;
 * anything else fails with EPERM, so a system call newer than the list is
 * refused, as in Docker. Since Docker 25 io_uring is refused (its history of
 * kernel escapes), and cachestat, fchmodat2, map_shadow_stack and the futex2
 * calls are allowed (runc leaves out names its libseccomp does not know). */
#include "dock.h"

#include <errno.h>

static const char *const allowed[] = {
	"accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget", "capset",
	"chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres",
	"clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
	"clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat",
	"dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old",
	"epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
	"execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
	"fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown",
	"fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock",
	"fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64",
	"fsync", "ftruncate", "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat",
	"getcpu", "getcwd", "getdents", "getdents64", "getegid", "getegid32", "geteuid",
	"geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getitimer", "getpeername",
	"getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
	"getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list", "getrusage",
	"getsid", "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid",
	"getuid32", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
	"inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents", "io_pgetevents",
	"io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit",
	"ipc", "kill", "landlock_add_rule",
	"landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr",
	"link", "linkat", "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek",
	"lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier", "memfd_create", "memfd_secret",
	"mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap",
	"mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
	"mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap",
	"msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap",
	"name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open", "openat", "openat2",
	"pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free",
	"pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2",
	"prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev",
	"pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom",
	"recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename",
	"renameat", "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction",
	"rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
	"rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity",
	"sched_getattr", "sched_getparam", "sched_get_priority_max", "sched_get_priority_min",
	"sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
	"sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield",
	"seccomp", "select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send",
	"sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsgid32",
	"setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer",
	"setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid",
	"setresuid32", "setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid",
	"setsockopt", "set_thread_area", "set_tid_address", "setuid", "setuid32", "setxattr",
	"shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4",
	"sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs",
	"statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo",
	"tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun",
	"timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
	"timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
	"tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat",
	"utime", "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid",
	"waitpid", "write", "writev",
	/* kernel 4.8 and newer (seccomp is checked after ptrace there) */
	"process_vm_readv", "process_vm_writev", "ptrace",
	/* x86 only */
	"arch_prctl", "modify_ldt",
	/* CAP_SYS_CHROOT, one of Docker's default capabilities */
	"chroot",
	NULL,
};

/* personality(2) personas Docker allows: PER_LINUX, PER_LINUX32, UNAME26,
 * UNAME26|PER_LINUX32, and the query 0xffffffff. */
static const json_int_t personas[] = { 0, 8, 0x20000, 0x20008, 0xffffffff };

#define AF_VSOCK_ 40 /* refused: a container must not reach the host's vsock */
/* clone's namespace flags (CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER,
 * NEWPID, NEWNET): a clone with none of them is allowed. */
#define CLONE_NS_FLAGS 0x7E020000

static json_t *rule(const char *name, json_int_t value, const char *op)
{
	return json_pack("{s:[s], s:s, s:[{s:i, s:I, s:s}]}", "names", name, "action", "SCMP_ACT_ALLOW",
			 "args", "index", 0, "value", value, "op", op);
}

json_t *seccomp_default(void)
{
	json_t *names = json_array();
	for (const char *const *n = allowed; *n; n++)
		json_array_append_new(names, json_string(*n));
	json_t *calls = json_array();
	json_array_append_new(calls, json_pack("{s:o, s:s}", "names", names, "action", "SCMP_ACT_ALLOW"));
	json_array_append_new(calls, rule("socket", AF_VSOCK_, "SCMP_CMP_NE"));
	for (size_t i = 0; i < sizeof personas / sizeof personas[0]; i++)
		json_array_append_new(calls, rule("personality", personas[i], "SCMP_CMP_EQ"));
	json_t *clone = rule("clone", CLONE_NS_FLAGS, "SCMP_CMP_MASKED_EQ");
	/* MASKED_EQ compares (arg & value) with valueTwo: no flag set. */
	json_object_set_new(json_array_get(json_object_get(clone, "args"), 0), "valueTwo", json_integer(0));
	json_array_append_new(calls, clone);
	/* clone3's flags are out of a filter's reach: ENOSYS makes libcs fall back to clone. */
	json_array_append_new(calls, json_pack("{s:[s], s:s, s:I}", "names", "clone3", "action",
					       "SCMP_ACT_ERRNO", "errnoRet", (json_int_t)ENOSYS));
	return json_pack("{s:s, s:I, s:[s, s, s], s:o}", "defaultAction", "SCMP_ACT_ERRNO", "defaultErrnoRet",
			 (json_int_t)EPERM, "architectures", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
			 "SCMP_ARCH_X32", "syscalls", calls);
}
