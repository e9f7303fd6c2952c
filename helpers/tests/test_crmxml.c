/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * helpers/lib/crmxml.c: Pacemaker's XML (trimmed from the cluster bed's
 * cibadmin -Q and crm_mon --output-as=xml) into struct mmha_cl.
 */
#include "crmxml.h"

#include "unit.h"

static const char CIB[] =
    "<cib><configuration><crm_config>"
    "<cluster_property_set id='cib-bootstrap-options'>"
    "<nvpair id='a' name='stonith-enabled' value='false'/>"
    "<nvpair id='b' name='cluster-name' value='bed'/>"
    "<nvpair id='c' name='mmha-mysql-epoch' value='7'/>"
    "<nvpair id='d' name='mmha-mysql-writer' value='node=node2 epoch=7 "
    "addr=10.0.0.2:3307 file=b.1 pos=4 gtid=1-1-3 time=T2'/>"
    "<nvpair id='e' name='mmha-mysql-history' value='promote node=node1 "
    "epoch=6 time=T1;demote node=node1 epoch=6 time=T2;promote node=node2 "
    "epoch=7 time=T3'/>"
    "</cluster_property_set></crm_config>"
    "<resources>"
    "<clone id='ms-mysql'><primitive id='mysql' class='ocf' provider='mmha' "
    "type='mysql-mm'><instance_attributes id='i'>"
    "<nvpair id='p1' name='defaults_file' value='/etc/x.cnf'/>"
    "<nvpair id='p2' name='max_lag' value='3000'/>"
    "</instance_attributes></primitive></clone>"
    "<primitive id='vip-writer' class='ocf' provider='heartbeat' "
    "type='IPaddr2'><instance_attributes id='w'><nvpair id='w1' name='ip' "
    "value='192.0.2.10'/></instance_attributes></primitive>"
    "<primitive id='vip-reader1' class='ocf' provider='heartbeat' "
    "type='IPaddr2'><instance_attributes id='r'><nvpair id='r1' name='ip' "
    "value='192.0.2.11'/></instance_attributes></primitive>"
    "<primitive id='other-ip' class='ocf' provider='heartbeat' "
    "type='IPaddr2'/>"
    "</resources><constraints>"
    "<rsc_location id='no-writer-on-node3' rsc='ms-mysql'>"
    "<rule role='Promoted' score='-INFINITY' id='x'><expression "
    "operation='eq' attribute='#uname' value='node3' id='y'/></rule>"
    "</rsc_location>"
    "<rsc_colocation id='c1' score='INFINITY' rsc='vip-writer' "
    "with-rsc='ms-mysql' with-rsc-role='Promoted'/>"
    "<rsc_colocation id='c2' score='INFINITY' rsc='vip-reader1' "
    "with-rsc='ms-mysql'/>"
    "</constraints></configuration></cib>";

static const char MON[] =
    "<pacemaker-result><summary><current_dc present='true' name='node3' "
    "with_quorum='true'/></summary><nodes>"
    "<node name='node1' id='1' online='true' standby='false' "
    "unclean='false'/>"
    "<node name='node2' id='2' online='true' standby='false' "
    "unclean='false'/>"
    "<node name='node3' id='3' online='false' standby='false' "
    "unclean='true'/></nodes><resources>"
    "<resource id='vip-writer' role='Started' active='true'>"
    "<node name='node2' id='2'/></resource>"
    "<resource id='vip-reader1' role='Started' active='true'>"
    "<node name='node2' id='2'/></resource>"
    "<clone id='ms-mysql' multi_state='true'>"
    "<resource id='mysql' role='Promoted' active='true'>"
    "<node name='node2' id='2'/></resource>"
    "<resource id='mysql' role='Unpromoted' active='true' failed='true'>"
    "<node name='node1' id='1'/></resource></clone></resources>"
    "<node_attributes><node name='node1'>"
    "<attribute name='master-mysql' value='-INFINITY'/>"
    "<attribute name='mmha-lag-ms' value='7000'/>"
    "<attribute name='mmha-readable' value='0'/>"
    "<attribute name='mmha-errant' value='1-1-9'/>"
    "<attribute name='mmha-offline' value='1'/></node>"
    "<node name='node2'><attribute name='master-mysql' value='1000'/>"
    "<attribute name='mmha-readable' value='1'/>"
    "<attribute name='mmha-peer' value='7@node2:3307'/>"
    "<attribute name='mmha-semisync' value='degraded'/></node>"
    "</node_attributes><failures>"
    "<failure op_key='mysql_monitor_2000' node='node1' exitreason='reader "
    "not replicating: error 1062'/>"
    "<failure op_key='mysqlx_monitor_2000' node='node2' exitreason='no'/>"
    "</failures></pacemaker-result>";

int main(void)
{
    struct mmha_cl cl;
    struct mmha_cl_node *n;
    char err[256];
    char buf[256];

    mmha_cl_init(&cl);
    CHECK(mmha_cl_parse_cib(&cl, CIB, sizeof(CIB) - 1, err, sizeof(err)) == 0,
          "CIB parsed");
    CHECK_STR(cl.rsc, "mysql", "resource found");
    CHECK_STR(cl.clone, "ms-mysql", "its clone");
    CHECK_STR(cl.defaults_file, "/etc/x.cnf", "defaults_file parameter");
    CHECK(cl.max_lag == 3000, "max_lag parameter");
    CHECK(cl.port == 3306, "replication_port default");
    CHECK_STR(cl.prefix, "mmha", "attribute prefix default");
    CHECK(!cl.stonith_enabled, "stonith-enabled=false");
    CHECK(cl.epoch == 7, "epoch property");
    CHECK_STR(cl.cluster_name, "bed", "cluster name");
    CHECK(cl.nvips == 2, "two addresses of ours, the third ignored");
    CHECK(cl.vip[0].writer && !cl.vip[1].writer, "writer address known");
    CHECK_STR(cl.vip[1].ip, "192.0.2.11", "reader address ip");
    CHECK(mmha_cl_parse_mon(&cl, MON, sizeof(MON) - 1, err, sizeof(err)) == 0,
          "status parsed");
    CHECK(mmha_cl_parse_bans(&cl, CIB, sizeof(CIB) - 1, err, sizeof(err)) == 0,
          "bans parsed");
    CHECK(cl.quorate, "quorate");
    CHECK_STR(cl.dc, "node3", "DC");
    CHECK(cl.nnodes == 3, "three nodes");
    n = mmha_cl_writer(&cl);
    CHECK(n != NULL && strcmp(n->name, "node2") == 0, "writer is node2");
    CHECK_STR(cl.vip[0].node, "node2", "writer address on node2");
    n = mmha_cl_node_find(&cl, "node1");
    if (n == NULL) {
        CHECK(false, "node1 found");
        return unit_done();
    }
    CHECK(n->role == MMHA_CL_UNPROMOTED, "node1 Unpromoted");
    CHECK(n->failed, "node1 failed");
    CHECK_STR(n->fail_reason, "reader not replicating: error 1062",
              "failure reason of our resource only");
    CHECK(n->has_lag && n->lag_ms == 7000, "lag attribute");
    CHECK(n->has_readable && !n->readable, "readable=0");
    CHECK_STR(n->errant, "1-1-9", "errant set");
    CHECK(n->offline, "offline attribute");
    CHECK(n->has_score && n->score < -100000, "-INFINITY score");
    n = mmha_cl_node_find(&cl, "node2");
    if (n == NULL) {
        CHECK(false, "node2 found");
        return unit_done();
    }
    CHECK_STR(n->semisync, "degraded", "semisync attribute");
    CHECK_STR(n->peer, "7@node2:3307", "peer attribute");
    CHECK(!n->failed, "another resource's failure not ours");
    n = mmha_cl_node_find(&cl, "node3");
    CHECK(n != NULL && n->unclean && !n->online, "node3 lost");
    CHECK(n != NULL && n->never_promoted, "node3 never promoted (rule)");
    CHECK(n != NULL && n->role == MMHA_CL_STOPPED, "node3 runs nothing");
    CHECK(mmha_cl_record_field(cl.writer_record, "addr", buf, sizeof(buf)),
          "record field found");
    CHECK_STR(buf, "10.0.0.2:3307", "record field value");
    CHECK(!mmha_cl_record_field(cl.writer_record, "add", buf, sizeof(buf)),
          "a key prefix is not a key");
    CHECK(mmha_cl_history_record(cl.history, 0, NULL, 0) == 3,
          "three history records");
    mmha_cl_history_record(cl.history, 2, buf, sizeof(buf));
    CHECK_STR(buf, "promote node=node2 epoch=7 time=T3", "last record");
    CHECK(mmha_cl_history_record("", 0, NULL, 0) == 0, "empty history");
    mmha_cl_init(&cl);
    CHECK(mmha_cl_parse_cib(&cl, "<cib/>", 6, err, sizeof(err)) == 1,
          "no mysql-mm resource: 1");
    CHECK(mmha_cl_parse_cib(&cl, "<cib", 4, err, sizeof(err)) == -1,
          "not XML: -1");
    return unit_done();
}
