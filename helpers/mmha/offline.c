/* stub */
#include "exitcode.h"
#include "mmha.h"

int cmd_offline(const struct args *a, bool offline)
{
    (void)a;
    (void)offline;
    return MMHA_EXIT_UNIMPLEMENTED;
}
