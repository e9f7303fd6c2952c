/* stub */
#include "exitcode.h"
#include "mmha.h"

int cmd_switchover(const struct args *a)
{
    (void)a;
    return MMHA_EXIT_UNIMPLEMENTED;
}
