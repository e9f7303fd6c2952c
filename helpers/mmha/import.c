/* stub */
#include "exitcode.h"
#include "mmha.h"

int cmd_import_mmm(const struct args *a)
{
    (void)a;
    return MMHA_EXIT_UNIMPLEMENTED;
}
