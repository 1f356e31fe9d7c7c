import { registry } from "@web/core/registry";
import { crmKanbanView } from "@crm/views/crm_kanban/crm_kanban_view";
import {
    CrmKanbanDynamicGroupList,
    CrmKanbanModel,
} from "@crm/views/crm_kanban/crm_kanban_model";

/**
 * Dragging a scenario deal to another column opens the move dialog instead of writing the
 * stage: the move then records the result of the current activity and plans the next one,
 * and the scenario's rules refuse a forbidden move with their own message, before any
 * dialog. The card stays in its column until the dialog's Move is done; the columns are then
 * reloaded from the server.
 *
 * The server method is called the way a button calls it (/web/dataset/call_button): that
 * route completes the returned action (its ``views``) for the action service, and the user's
 * context (language) goes with the call.
 */
export class SalesFunnelKanbanDynamicGroupList extends CrmKanbanDynamicGroupList {
    async moveRecord(dataRecordId, dataGroupId, refId, targetGroupId) {
        const sourceGroup = this.groups.find((g) => g.id === dataGroupId);
        const targetGroup = this.groups.find((g) => g.id === targetGroupId);
        const record = sourceGroup?.list.records.find((r) => r.id === dataRecordId);
        if (
            dataGroupId !== targetGroupId &&
            targetGroup &&
            sourceGroup.groupByField.name === "stage_id" &&
            record?.data.scenario_id
        ) {
            await this.model.action.doActionButton({
                type: "object",
                name: "action_drop_on_stage",
                resModel: "crm.lead",
                resId: record.resId,
                args: JSON.stringify([targetGroup.value]),
                context: record.context,
                onClose: () => this.model.load(),
            });
            return;
        }
        return super.moveRecord(...arguments);
    }
}

export class SalesFunnelKanbanModel extends CrmKanbanModel {
    setup(params, { action }) {
        super.setup(...arguments);
        this.action = action;
    }
}
SalesFunnelKanbanModel.DynamicGroupList = SalesFunnelKanbanDynamicGroupList;
SalesFunnelKanbanModel.services = [...CrmKanbanModel.services, "action"];

export const salesFunnelKanbanView = {
    ...crmKanbanView,
    Model: SalesFunnelKanbanModel,
};

registry.category("views").add("sales_funnel_kanban", salesFunnelKanbanView);
