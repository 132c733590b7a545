/* LD_PRELOAD shim: the Debian usrsctp examples switch usrsctp's debug trace on, which costs
 * about a third of their throughput; this no-op replaces the call that does it. */
#include <stdint.h>
int usrsctp_sysctl_set_sctp_debug_on(uint32_t value) { (void)value; return 0; }
