import { uuid4 } from '@temporalio/workflow';
import { referralProvinceSignal } from '../../referral/definitions';
import { transferAcceptanceUpdate, transferUpdate } from '../definitions';
import { reject, type CaseContext } from '../context';

/**
 * protocol.md §3 step 8, transferred to another province: the receiving province's supervisors
 * are told and must accept; on acceptance every open deadline climbs their ladder instead.
 */
export function transfer(c: CaseContext): void {
  c.onStep(
    transferUpdate,
    async (input) => {
      const { state } = c;
      const transferId = uuid4();
      const transfer = { transferId, fromProvince: state.province, toProvince: input.toProvince };
      await c.record('transfer.requested', input.actorId, { toProvince: input.toProvince, transferId }, [
        { kind: 'transferRequested', transferId, toProvince: input.toProvince },
      ]);
      // The acceptance deadline is about the transfer (its subject) and climbs the receiving
      // province's ladder, from its supervisors up.
      const deadline = await c.open('transferAcceptance', {
        province: input.toProvince,
        subjectId: transferId,
      });
      state.transfer = { transferId, toProvince: input.toProvince, deadlineId: deadline.id };
      // The receiving province's supervisors are told now, not only when the deadline passes.
      await c.notice(
        { kind: 'transferRequested', caseId: state.caseId, ...transfer, dueAt: deadline.dueAt },
        ['supervisor'],
      );
      return c.view();
    },
    {
      validator: (input) => {
        const { state } = c;
        c.requireOpen();
        if (state.transfer) reject(`a transfer to ${state.transfer.toProvince} is already pending`);
        if (input.toProvince === state.province) reject('toProvince: the case is already in this province');
      },
    },
  );

  c.onStep(
    transferAcceptanceUpdate,
    async (input) => {
      const { state } = c;
      const transfer = state.transfer;
      if (!transfer) return c.view();
      state.transfer = null;
      await c.close(c.deadlines.open.find((d) => d.id === transfer.deadlineId));
      if (input.accept) {
        state.province = transfer.toProvince;
        state.assigneeId = null;
        // Open deadlines keep their instants but now climb the receiving province's ladder.
        c.deadlines.moveTo(transfer.toProvince);
      }
      await c.record(
        input.accept ? 'transfer.accepted' : 'transfer.refused',
        input.actorId,
        { toProvince: transfer.toProvince, transferId: transfer.transferId },
        [
          {
            kind: 'transferDecided',
            transferId: transfer.transferId,
            accepted: input.accept,
            deadlineIds: state.deadlines.map((d) => d.id),
          },
        ],
      );
      // So do the running referrals' deadlines (a late partner is the receiving coordinator's).
      if (input.accept) await c.tellReferrals(referralProvinceSignal, { province: state.province });
      c.publish();
      return c.view();
    },
    { validator: () => (c.state.transfer ? undefined : reject('no transfer is pending for this case')) },
  );
}
