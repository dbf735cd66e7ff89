# Hidden checks of predict-call: the prediction against what the program really prints (the
# challenge's own copy of it, so changing the learner's copy changes nothing).
MAIN_LIMIT_S = 4.0
SNIPPET = '''
import asyncio

async def make_tea():
    print("chai ban rahi hai")
    return "chai"

async def main():
    cup = make_tea()
    print("order ho gaya")
    print(await cup)

asyncio.run(main())
'''


async def functions(h, mod):
    guess = getattr(mod, "PREDICTION", None)
    if not isinstance(guess, (list, tuple)) or not all(isinstance(x, str) for x in guess):
        h.fail("no-prediction")
    import asyncio
    real = await asyncio.to_thread(h.predict_run, SNIPPET)
    guess = [x.strip() for x in guess]
    for i, line in enumerate(real, start=1):
        said = guess[i - 1] if i <= len(guess) else "(nothing)"
        if said != line:
            h.fail("prediction", n=i, said=said, real=line)
    if len(guess) > len(real):
        h.fail("prediction", n=len(real) + 1, said=guess[len(real)], real="(nothing)")
