/* stub */
#include "exitcode.h"
#include "mmha.h"

int cmd_metrics(const struct args *a)
{
    (void)a;
    return MMHA_EXIT_UNIMPLEMENTED;
}
