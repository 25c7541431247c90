import { ChangeDetectionStrategy, Component, computed, signal } from '@angular/core';
import { MAX_PEOPLE, formatCents, parseAmount, parsePeople, splitBill } from './split';

@Component({
  selector: 'app-splitter',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Split the bill</h1>
    <form (submit)="$event.preventDefault()">
      <label for="amount">Bill amount (USD)</label>
      <input id="amount" inputmode="decimal" #amount [value]="amountText()" (input)="amountText.set(amount.value)" />
      <label for="tip">Tip</label>
      <select id="tip" #tip (change)="setTip(tip.value)">
        @for (option of tipOptions; track option) {
          <option [value]="option" [selected]="option === tipPercent()">{{ option }}%</option>
        }
      </select>
      <label for="people">People</label>
      <input id="people" type="number" min="1" [max]="maxPeople" #people [value]="peopleText()" (input)="peopleText.set(people.value)" />
    </form>
    @if (split(); as result) {
      <p role="status">Total {{ format(result.totalCents) }}, including a {{ format(result.tipCents) }} tip.</p>
      <ol>
        @for (share of result.shares; track $index) {
          <li>{{ format(share) }}</li>
        }
      </ol>
    } @else {
      <p role="status">Enter an amount and between 1 and {{ maxPeople }} people.</p>
    }
  `,
})
export class SplitterComponent {
  readonly tipOptions = [0, 10, 15, 20];
  readonly maxPeople = MAX_PEOPLE;
  readonly format = formatCents;

  readonly amountText = signal('84.50');
  readonly tipPercent = signal(15);
  readonly peopleText = signal('3');

  // Recomputed only when one of the three signals it reads changes.
  readonly split = computed(() => {
    const amount = parseAmount(this.amountText());
    const people = parsePeople(this.peopleText());
    return amount === undefined || people === undefined ? undefined : splitBill(amount, this.tipPercent(), people);
  });

  setTip(value: string): void {
    const percent = Number(value);
    if (this.tipOptions.includes(percent)) this.tipPercent.set(percent);
  }
}
