// Compile-time checks of the public types (the file fails `tsc` if they regress); the runtime test is trivial.
import { test } from "node:test";
import type { Camelize, CompleteTerminalCheckoutParams, Customer, DeviceEvent, Money, Order, PairedDevice, PayOrderResult, TerminalCheckout, WebhookEndpoint } from "../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type Checks = [
  Expect<Equal<Order["netAmounts"]["totalMoney"], Money>>,
  Expect<Equal<Money, { amount: number; currency: string }>>,
  Expect<Equal<Order["orderId"], string>>,
  Expect<Equal<PayOrderResult["payments"][number]["amountMoney"], Money>>,
  Expect<Equal<Customer["metadata"], { [key: string]: string }>>,
  Expect<Equal<PairedDevice["deviceToken"], string>>,
  Expect<Equal<TerminalCheckout["changeBackMoney"], Money | null | undefined>>,
  Expect<Equal<CompleteTerminalCheckoutParams["type"], "card_present" | "cash">>,
  Expect<Equal<WebhookEndpoint["secret"], string | null | undefined>>,
  Expect<Equal<DeviceEvent["id"], string>>,
  Expect<Equal<Camelize<{ some_field: { inner_key: number }; metadata: { keep_me: string } }>, { someField: { innerKey: number }; metadata: { keep_me: string } }>>,
];

export function neverCalled(order: Order) {
  // @ts-expect-error snake_case members do not exist on SDK objects
  return order.net_amounts;
}

test("public types (checked by tsc)", () => {});
