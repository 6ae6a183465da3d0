# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] lang="en"
# # Lesson 7 · Momentum
#
# In the last lesson the optimizer was `torch.optim.SGD(..., momentum=0.9)`, and we promised to
# explain that `momentum=0.9`. Here it is. We leave the network aside and look at gradient descent
# where we can *see* it: a point moving downhill on a loss surface with only two parameters, $x$ and $y$.
# You will:
#
# 1. watch plain gradient descent zig-zag and crawl on a long, narrow valley, and see why it must;
# 2. add momentum by hand, $v \leftarrow \mu v + g$, $p \leftarrow p - \text{lr}\cdot v$, and compare
#    $\mu = 0$, $0.5$ and $0.9$;
# 3. check that `torch.optim.SGD(momentum=μ)` computes exactly this;
# 4. write `momentum_step` (the graded exercise): the same update done in place on a list of tensors,
#    the way an optimizer does it.
#
# **Objectives:** after this lesson you can see why plain gradient descent struggles in a narrow
# valley, how momentum helps, and write a momentum step that matches `torch.optim.SGD`.
#
# **Time:** about 60 minutes: reading, running every cell, and the exercise.

# %% [markdown] lang="zh"
# # 第 7 课 · 动量
#
# 上一课的优化器是 `torch.optim.SGD(..., momentum=0.9)`，我们答应过要解释这个 `momentum=0.9`，现在就来兑现。
# 这一课先把网络放到一边，在一个能*看得见*的地方观察梯度下降：一个点在只有两个参数 $x$ 和 $y$ 的损失曲面上往下走。
# 你将：
#
# 1. 看到普通梯度下降在一条狭长的山谷里来回“之”字形震荡、缓慢爬行，并弄明白它为什么不得不这样；
# 2. 亲手加上动量：$v \leftarrow \mu v + g$，$p \leftarrow p - \text{lr}\cdot v$，并比较 $\mu = 0$、$0.5$ 和 $0.9$；
# 3. 验证 `torch.optim.SGD(momentum=μ)` 算的正是这个；
# 4. 实现 `momentum_step`（本课的评分练习）：像优化器那样，对一组张量原地完成同样的更新。
#
# **学习目标：**学完本课，你将能够理解普通梯度下降为什么在狭长的山谷里举步维艰、动量为什么有用，并写出与 `torch.optim.SGD` 完全一致的动量更新。
#
# **用时：**约 60 分钟（阅读、运行每个单元格、完成练习）。

# %%
import torch
from matplotlib import pyplot as plt

import helper
from helper.i18n import message

# [en] A font with Chinese characters, for the plots of the Chinese notebook.
# [zh] 为中文笔记本的图表启用含中文字符的字体。
helper.enable_cjk()
print("PyTorch", torch.__version__)

# %% [markdown] lang="en"
# ## 1. A long, narrow valley
#
# Our loss surface is an elongated bowl,
#
# $$f(x, y) = \frac{x^2}{20} + y^2, \qquad \nabla f = \left(\frac{x}{10},\ 2y\right).$$
#
# Its minimum is at $(0, 0)$. Along $x$ it is very flat (curvature $1/10$), along $y$ it is steep
# (curvature 2): twenty times steeper. Real loss surfaces have millions of directions, and this
# mix of flat and steep ones is typical.
#
# We start at $(-9, 1.5)$ and let autograd compute the gradient, exactly as for a network.

# %% [markdown] lang="zh"
# ## 1. 一条狭长的山谷
#
# 我们的损失曲面是一个拉长的碗：
#
# $$f(x, y) = \frac{x^2}{20} + y^2, \qquad \nabla f = \left(\frac{x}{10},\ 2y\right).$$
#
# 它的最小值在 $(0, 0)$。沿 $x$ 方向非常平缓（曲率 $1/10$），沿 $y$ 方向很陡（曲率 2），陡了整整二十倍。
# 真实的损失曲面有成百万个方向，平缓和陡峭的方向混在一起，这种情形非常典型。
#
# 我们从 $(-9, 1.5)$ 出发，像训练网络时一样，让 autograd 来算梯度。

# %%
def f(p):
    # [en] The bowl f(x, y) = x²/20 + y² at p = (x, y).
    # [zh] 碗形函数 f(x, y) = x²/20 + y² 在 p = (x, y) 处的值。
    return p[0] ** 2 / 20 + p[1] ** 2


START = (-9.0, 1.5)
p = torch.tensor(START, requires_grad=True)
f(p).backward()
print(f"f{START} = {f(p).item():.4f}")
print(helper.tr(en="gradient:", zh="梯度："), p.grad, " (x/10 = -0.9, 2y = 3.0)")

# %% [markdown] lang="en"
# The minimum lies almost straight to the right, yet the gradient points mostly along $y$: the
# steep direction dominates it. Plain gradient descent, $p \leftarrow p - \text{lr}\cdot\nabla f(p)$,
# follows it faithfully. The function below records the path; the update runs inside
# `torch.no_grad()` and makes a fresh leaf tensor for the next step.

# %% [markdown] lang="zh"
# 最小值几乎就在正右方，梯度却主要指向 $y$ 方向：陡峭的方向主导了梯度。普通梯度下降
# $p \leftarrow p - \text{lr}\cdot\nabla f(p)$ 会老老实实地跟着梯度走。下面的函数记录下走过的路径；
# 更新在 `torch.no_grad()` 里进行，并为下一步生成一个新的叶子张量。

# %%
STEPS = 40


def gradient_descent(lr, steps=STEPS):
    # [en] The path of plain gradient descent on f from START: a tensor of shape (steps + 1, 2).
    # [zh] 从 START 出发、在 f 上做普通梯度下降的路径：形状为 (steps + 1, 2) 的张量。
    p = torch.tensor(START, requires_grad=True)
    path = [p.detach().clone()]
    for _ in range(steps):
        f(p).backward()
        with torch.no_grad():
            p = (p - lr * p.grad).requires_grad_()
        path.append(p.detach().clone())
    return torch.stack(path)


def plot_paths(paths, titles):
    # [en] One panel per path: the contour lines of f and the points the descent visited.
    # [zh] 每条路径一幅子图：f 的等高线，以及梯度下降经过的点。
    xs, ys = torch.linspace(-10, 10, 201), torch.linspace(-2.5, 2.5, 101)
    X, Y = torch.meshgrid(xs, ys, indexing="xy")
    fig, axes = plt.subplots(len(paths), 1, figsize=(7, 2.3 * len(paths)), squeeze=False)
    for ax, path, title in zip(axes.flat, paths, titles):
        ax.contour(X, Y, X ** 2 / 20 + Y ** 2, levels=[0.05, 0.25, 0.75, 1.5, 2.5, 4, 6.3], colors="0.75",
                   linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", color="C0", markersize=2.5, linewidth=1)
        ax.plot(*START, "s", color="C2", label=message("descent_start"))
        ax.plot(0, 0, "*", color="C3", markersize=12, label=message("descent_minimum"))
        ax.set_title(title)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_aspect("equal")
    axes.flat[0].legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


slow, zigzag = gradient_descent(lr=0.3), gradient_descent(lr=0.9)
for lr, path in ((0.3, slow), (0.9, zigzag)):
    print(helper.tr(en=f"lr = {lr}: after {STEPS} steps at ({path[-1, 0]:.3f}, {path[-1, 1]:.3f}), f = {f(path[-1]):.2e}",
                    zh=f"lr = {lr}：{STEPS} 步之后位于 ({path[-1, 0]:.3f}, {path[-1, 1]:.3f})，f = {f(path[-1]):.2e}"))
plot_paths([slow, zigzag], [message("descent_plain", lr=0.3), message("descent_plain", lr=0.9)]);

# %% [markdown] lang="en"
# Both are slow along the valley, and the larger learning rate zig-zags across it. On this bowl each
# coordinate moves on its own, so we can see exactly why:
#
# $$x \leftarrow x - \text{lr}\cdot\frac{x}{10} = \left(1 - \frac{\text{lr}}{10}\right) x, \qquad
#   y \leftarrow y - \text{lr}\cdot 2y = (1 - 2\,\text{lr})\, y.$$
#
# * For $y$ to shrink we need $|1 - 2\,\text{lr}| < 1$, so **0 < lr < 1**. At exactly lr = 1 the
#   factor is $-1$: $y$ jumps between $+1.5$ and $-1.5$ for ever, an oscillation that neither grows nor
#   shrinks. Above 1 the steep direction overshoots further at every step and the descent
#   **diverges** (the cell below runs both).
# * With lr = 0.9, $y$ is multiplied by $-0.8$ each step: it changes sign every time, the zig-zag.
# * Along $x$ the factor is $1 - 0.09 = 0.91$: each step removes only 9% of the remaining distance.
#   After 40 steps $x$ is still $-9 \cdot 0.91^{40} \approx -0.21$.
#
# The steep direction caps the learning rate; the flat direction then crawls. The larger the ratio of the
# curvatures (here 20), the worse this gets. We would like steps that are long along the valley and
# short across it.

# %% [markdown] lang="zh"
# 两者沿着山谷方向都走得很慢，而学习率大的那个还在山谷两侧之间来回震荡。在这个碗上，每个坐标各走各的，
# 所以原因一目了然：
#
# $$x \leftarrow x - \text{lr}\cdot\frac{x}{10} = \left(1 - \frac{\text{lr}}{10}\right) x, \qquad
#   y \leftarrow y - \text{lr}\cdot 2y = (1 - 2\,\text{lr})\, y.$$
#
# * 要让 $y$ 缩小，需要 $|1 - 2\,\text{lr}| < 1$，也就是 **0 < lr < 1**。lr 恰好等于 1 时，因子是 $-1$：
#   $y$ 在 $+1.5$ 和 $-1.5$ 之间永远来回跳，这种震荡既不变大也不变小。lr 大于 1 时，陡峭方向每一步都冲得更远，
#   梯度下降就**发散**了（下面的单元格把这两种情况都跑一遍）。
# * 当 lr = 0.9 时，$y$ 每一步都乘以 $-0.8$：每一步都变号，这就是“之”字形震荡。
# * 沿 $x$ 方向的因子是 $1 - 0.09 = 0.91$：每一步只缩短剩余距离的 9%。走完 40 步，$x$ 仍有
#   $-9 \cdot 0.91^{40} \approx -0.21$。
#
# 陡峭的方向限制了学习率的上限，平缓的方向于是只能慢慢爬。两个方向曲率之比越大（这里是 20），情况就越糟。
# 我们想要的是：沿着山谷迈大步，横穿山谷迈小步。

# %%
for lr in (1.0, 1.1):
    path = gradient_descent(lr)
    print(helper.tr(en=f"lr = {lr}: y after 1, 2, 3 and {STEPS} steps:", zh=f"lr = {lr}：第 1、2、3 和 {STEPS} 步之后的 y："),
          [round(path[t, 1].item(), 2) for t in (1, 2, 3, STEPS)])

# %% [markdown] lang="en"
# ## 2. Momentum: let the steps build up speed
#
# Picture a heavy ball rolling down the valley instead of a point that jumps. The ball has a
# **velocity** $v$: the gradient changes the velocity, and the velocity moves the ball. In PyTorch's
# form, with momentum coefficient $\mu$ and the gradient $g_t = \nabla f(p_{t-1})$:
#
# $$v_t = \mu\, v_{t-1} + g_t, \qquad p_t = p_{t-1} - \text{lr}\cdot v_t, \qquad v_0 = 0.$$
#
# Unroll the first equation and the velocity is a weighted sum of all the gradients so far, the
# recent ones weighted most:
#
# $$v_t = g_t + \mu\, g_{t-1} + \mu^2 g_{t-2} + \dots$$
#
# * Where the gradient keeps its sign (along the valley), the terms add up. For a constant gradient
#   $g$ the velocity grows to $g\,(1 + \mu + \mu^2 + \dots) = g/(1-\mu)$: with $\mu = 0.9$, steps
#   **ten times** longer.
# * Where the gradient flips its sign at every step (across the valley), the terms cancel:
#   $g - \mu g + \mu^2 g - \dots = g/(1+\mu)$, about half a step.
#
# With $\mu = 0$ it is plain gradient descent again. Here is the build-up for a constant gradient
# $g = 1$ and $\mu = 0.9$:

# %% [markdown] lang="zh"
# ## 2. 动量：让步子积攒速度
#
# 不要再想象一个跳来跳去的点，而是想象一个沿山谷滚下去的重球。球有**速度** $v$：梯度改变速度，速度推动球前进。
# 用 PyTorch 的写法，设动量系数为 $\mu$，梯度为 $g_t = \nabla f(p_{t-1})$：
#
# $$v_t = \mu\, v_{t-1} + g_t, \qquad p_t = p_{t-1} - \text{lr}\cdot v_t, \qquad v_0 = 0.$$
#
# 把第一个式子展开，速度就是到目前为止所有梯度的加权和，越新的梯度权重越大：
#
# $$v_t = g_t + \mu\, g_{t-1} + \mu^2 g_{t-2} + \dots$$
#
# * 在梯度方向保持不变的方向上（沿着山谷），这些项会叠加起来。对于恒定的梯度 $g$，速度会增长到
#   $g\,(1 + \mu + \mu^2 + \dots) = g/(1-\mu)$：当 $\mu = 0.9$ 时，步长变成原来的**十倍**。
# * 在梯度每一步都变号的方向上（横穿山谷），这些项会相互抵消：$g - \mu g + \mu^2 g - \dots = g/(1+\mu)$，
#   大约只有半步。
#
# 当 $\mu = 0$ 时，它就又变回了普通梯度下降。下面是梯度恒为 $g = 1$、$\mu = 0.9$ 时速度积累的过程：

# %%
v = torch.tensor(0.0)
for t in range(1, 31):
    v = 0.9 * v + 1.0
    if t in (1, 2, 3, 5, 10, 20, 30):
        print(helper.tr(en=f"step {t:2d}: v = {v.item():.3f}", zh=f"第 {t:2d} 步：v = {v.item():.3f}"))
print(helper.tr(en="limit", zh="极限"), f"1 / (1 - 0.9) = {1 / (1 - 0.9):.3f}")

# %% [markdown] lang="en"
# Now momentum on the valley, written out by hand: the same loop as before, with a velocity.

# %% [markdown] lang="zh"
# 现在在山谷上手写带动量的梯度下降：和前面的循环一样，只是多了一个速度。

# %%
def momentum_descent(lr, momentum, steps=STEPS):
    # [en] The path of gradient descent with momentum (PyTorch's form) on f from START.
    # [zh] 从 START 出发、在 f 上做带动量的梯度下降（PyTorch 的写法）的路径。
    p = torch.tensor(START, requires_grad=True)
    v = torch.zeros(2)
    path = [p.detach().clone()]
    for _ in range(steps):
        f(p).backward()
        with torch.no_grad():
            v = momentum * v + p.grad  # v ← μ·v + g
            p = (p - lr * v).requires_grad_()  # p ← p − lr·v
        path.append(p.detach().clone())
    return torch.stack(path)


LR = 0.9
MOMENTA = (0.0, 0.5, 0.9)
paths = {mu: momentum_descent(LR, mu) for mu in MOMENTA}
for mu, path in paths.items():
    print(helper.tr(en=f"μ = {mu}: after {STEPS} steps at ({path[-1, 0]:+.4f}, {path[-1, 1]:+.4f}), f = {f(path[-1]):.1e}",
                    zh=f"μ = {mu}：{STEPS} 步之后位于 ({path[-1, 0]:+.4f}, {path[-1, 1]:+.4f})，f = {f(path[-1]):.1e}"))
print(helper.tr(en="μ = 0 is plain gradient descent:", zh="μ = 0 就是普通梯度下降："), torch.equal(paths[0.0], zigzag))
plot_paths([paths[mu] for mu in MOMENTA], [message("descent_momentum", mu=mu, lr=LR) for mu in MOMENTA]);

# %% [markdown] lang="en"
# How fast does each one get down? The loss at every step, on a logarithmic scale:

# %% [markdown] lang="zh"
# 它们各自下降得有多快？下面是每一步的损失，纵轴取对数坐标：

# %%
fig, ax = plt.subplots(figsize=(6, 3.2))
for mu, path in paths.items():
    ax.semilogy(f(path.T), marker="o", markersize=2, label=f"μ = {mu}")
ax.set_xlabel(message("descent_step"))
ax.set_ylabel(message("descent_loss_log"))
ax.grid(alpha=0.3)
ax.legend();

# %% [markdown] lang="en"
# Three different stories, from the same learning rate:
#
# * **μ = 0**, plain gradient descent: the zig-zag across the valley dies out, but the progress along
#   it is slow.
# * **μ = 0.5**: across the valley the alternating gradients cancel in the velocity, so the zig-zag is
#   damped at once; along the valley the gradients add up, so $x$ moves up to twice as fast. After
#   40 steps the loss is more than a hundred million times smaller than without momentum.
# * **μ = 0.9**: the ball is too heavy for this learning rate. It builds up so much speed that it
#   overshoots the minimum, rolls up the other side ($x$ goes past $+5$) and spirals in slowly.
#
# So momentum is no free lunch: $\mu$ and the learning rate work together. Since the long-run step is
# about $\text{lr}/(1-\mu)$ times the gradient, a large $\mu$ goes with a smaller learning rate. That is
# why $\mu = 0.9$ with lr = 0.05 worked so well in lesson 6: on real networks, with millions of
# directions and noisy mini-batch gradients, averaging the gradients over about $1/(1-\mu) = 10$ steps
# is exactly what helps.
#
# **Think:** with $\mu = 0.9$, which learning rate would you try on this bowl? Change `LR` above and
# run the cells again.

# %% [markdown] lang="zh"
# 同一个学习率，三种不同的结局：
#
# * **μ = 0**，普通梯度下降：横穿山谷的震荡逐渐消失，但沿山谷方向进展缓慢。
# * **μ = 0.5**：横穿山谷时，正负交替的梯度在速度里相互抵消，震荡立刻被压了下去；沿着山谷时，梯度不断叠加，
#   $x$ 方向最多能快一倍。走完 40 步，损失比不加动量时小了一亿倍以上。
# * **μ = 0.9**：对这个学习率来说，球太“重”了。它积攒了太大的速度，冲过了最小值，滚上了对面的坡（$x$ 超过了 $+5$），
#   然后绕着圈慢慢落下来。
#
# 所以动量并不是白来的好处：$\mu$ 和学习率要配合着选。长期来看，步长大约是梯度的 $\text{lr}/(1-\mu)$ 倍，
# 所以 $\mu$ 大时，学习率就要小一些。这正是第 6 课里 $\mu = 0.9$ 配 lr = 0.05 效果很好的原因：在真实的网络上，
# 有成百万个方向，小批量的梯度又带着噪声，把大约 $1/(1-\mu) = 10$ 步的梯度平均起来恰恰是有帮助的。
#
# **想一想：** 当 $\mu = 0.9$ 时，你会在这个碗上试哪个学习率？改一改上面的 `LR`，再把这几个单元格运行一遍。

# %%
helper.diagrams.descent_paths({"μ = 0": paths[0.0], "μ = 0.5": paths[0.5]}, lambda x, y: x ** 2 / 20 + y ** 2, START);

# %% [markdown] lang="en"
# ### Another way to write momentum
#
# Many textbooks and papers write momentum with the learning rate inside the velocity:
#
# $$u_t = \mu\, u_{t-1} - \text{lr}\cdot g_t, \qquad p_t = p_{t-1} + u_t.$$
#
# Multiply PyTorch's velocity equation by $-\text{lr}$: $-\text{lr}\, v_t = \mu\,(-\text{lr}\, v_{t-1}) - \text{lr}\, g_t$.
# So $u_t = -\text{lr}\cdot v_t$ satisfies the same recursion, and **with a constant learning rate the
# two forms take exactly the same steps**; only the number stored as "velocity" differs by the factor
# $-\text{lr}$. They part ways when the learning rate changes during training (a schedule, as in lesson 6):
# PyTorch's form applies the new learning rate to the whole velocity at once, while $u$ still carries
# the old learning rates inside it.

# %% [markdown] lang="zh"
# ### 动量的另一种写法
#
# 很多教材和论文把学习率写进速度里：
#
# $$u_t = \mu\, u_{t-1} - \text{lr}\cdot g_t, \qquad p_t = p_{t-1} + u_t.$$
#
# 把 PyTorch 的速度公式两边同乘 $-\text{lr}$：$-\text{lr}\, v_t = \mu\,(-\text{lr}\, v_{t-1}) - \text{lr}\, g_t$。
# 可见 $u_t = -\text{lr}\cdot v_t$ 满足同一个递推式，所以**学习率不变时，两种写法走的每一步完全相同**，
# 只是存作“速度”的那个数相差一个因子 $-\text{lr}$。当学习率在训练中变化时（比如第 6 课的学习率调度），两者就不同了：
# PyTorch 的写法会把新的学习率一下子作用到整个速度上，而 $u$ 里仍然带着以前的学习率。

# %% [markdown] lang="en"
# ## 3. `torch.optim.SGD` does exactly this
#
# `torch.optim.SGD(params, lr, momentum=μ)` (with its defaults `dampening=0`, `nesterov=False`) keeps
# one velocity tensor per parameter, its *momentum buffer*, and applies the two equations above. The
# training loop is the one from lesson 6: `zero_grad`, forward (here just `f(p)`), `backward`, `step`.

# %% [markdown] lang="zh"
# ## 3. `torch.optim.SGD` 做的正是这件事
#
# `torch.optim.SGD(params, lr, momentum=μ)`（默认 `dampening=0`、`nesterov=False`）为每个参数保存一个速度张量，
# 也就是它的*动量缓冲区*（momentum buffer），并按上面两个公式更新。训练循环就是第 6 课的那个：
# `zero_grad`、前向计算（这里就是 `f(p)`）、`backward`、`step`。

# %%
def sgd_descent(lr, momentum, steps=STEPS):
    # [en] The path of torch.optim.SGD with momentum on f from START.
    # [zh] 从 START 出发、在 f 上用带动量的 torch.optim.SGD 走出的路径。
    p = torch.tensor(START, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=lr, momentum=momentum)
    path = [p.detach().clone()]
    for _ in range(steps):
        optimizer.zero_grad()
        f(p).backward()
        optimizer.step()
        path.append(p.detach().clone())
    return torch.stack(path), optimizer.state[p]["momentum_buffer"]


for mu in (0.5, 0.9):
    torch_path, buffer = sgd_descent(LR, mu)
    difference = (torch_path - paths[mu]).abs().max().item()
    print(helper.tr(en=f"μ = {mu}: largest difference between torch.optim.SGD and our path: {difference:.1e}",
                    zh=f"μ = {mu}：torch.optim.SGD 与我们的路径之间的最大差距：{difference:.1e}"))
print(helper.tr(en="SGD's momentum buffer after the last step:", zh="最后一步之后 SGD 的动量缓冲区："), buffer)

# %% [markdown] lang="en"
# The same path. The differences, if any, are around $10^{-7}$, the precision of float32: PyTorch
# computes $p - \text{lr}\cdot v$ as one fused operation and rounds once, where our
# `p - lr * v` rounds the product first and then the difference.

# %% [markdown] lang="zh"
# 路径完全一样。即使有差别，也只在 $10^{-7}$ 左右，这是 float32 的精度：PyTorch 把 $p - \text{lr}\cdot v$
# 作为一次融合运算来算，只舍入一次；而我们的 `p - lr * v` 先对乘积舍入，再对差舍入。

# %% [markdown] lang="en"
# ## 4. Exercise (3 points): `momentum_step`
#
# An optimizer does not build a new tensor for every parameter at every step, as our
# `momentum_descent` did. It changes the parameters **in place** (the model holds them, so they must
# stay the same tensor objects), and it keeps each velocity in a tensor of its own that it also
# updates in place. Write `momentum_step(params, velocities, lr, momentum)`, one step of SGD with
# momentum:
#
# * `params` is a list of tensors whose `.grad` is set; `velocities` is a list of tensors of the same
#   shapes (zeros before the first step);
# * for each pair `p`, `v`: first `v ← momentum·v + p.grad`, then `p ← p − lr·v`, both **in place**
#   (`v.mul_(momentum).add_(p.grad)`, `p -= lr * v`);
# * do it inside `torch.no_grad()`: the update is not part of the computation to differentiate (and
#   PyTorch refuses in-place changes of a leaf tensor that requires grad while autograd records);
# * leave `.grad` alone, create no `torch.optim` optimizer, return `None`.
#
# Called once per step, it must reproduce `torch.optim.SGD(momentum=momentum)` step for step.
# Watch out for `v = momentum * v + p.grad`: it makes the name `v` point to a new tensor and leaves
# the one in the list unchanged.

# %% [markdown] lang="zh"
# ## 4. 练习（3 分）：`momentum_step`
#
# 优化器不会像我们的 `momentum_descent` 那样，每一步都给每个参数造一个新张量。它**原地**修改参数
# （模型持有这些参数，所以它们必须始终是原来的那些张量对象），并把每个速度保存在单独的张量里，同样原地更新。
# 请实现 `momentum_step(params, velocities, lr, momentum)`，完成带动量 SGD 的一步：
#
# * `params` 是一组已经有 `.grad` 的张量；`velocities` 是一组形状与之相同的张量（第一步之前全为 0）；
# * 对每一对 `p`、`v`：先 `v ← momentum·v + p.grad`，再 `p ← p − lr·v`，两者都要**原地**完成
#   （`v.mul_(momentum).add_(p.grad)`、`p -= lr * v`）；
# * 放在 `torch.no_grad()` 里进行：参数更新不属于需要求导的计算（而且在 autograd 记录时，PyTorch 不允许原地修改
#   需要梯度的叶子张量）；
# * 不要改动 `.grad`，不要创建 `torch.optim` 优化器，返回 `None`。
#
# 每一步调用一次，它必须逐步重现 `torch.optim.SGD(momentum=momentum)` 的结果。
# 小心 `v = momentum * v + p.grad` 这种写法：它只是让变量名 `v` 指向一个新张量，列表里的那个张量并没有变。

# %% solution="momentum_step"
def momentum_step(params, velocities, lr, momentum):
    """One step of SGD with momentum, in place: v ← momentum·v + p.grad, then p ← p − lr·v."""
    ### BEGIN SOLUTION
    with torch.no_grad():
        for p, v in zip(params, velocities):
            v.mul_(momentum).add_(p.grad)
            p -= lr * v
    ### END SOLUTION


# %% tests="test_momentum_step" points=3
from autograder import check

check("momentum_step", momentum_step)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("momentum_step", momentum_step)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 5. Your optimizer on the valley
#
# Your `momentum_step` is a complete optimizer step. Drive it with the lesson 6 loop and compare its
# path with `torch.optim.SGD`'s:

# %% [markdown] lang="zh"
# ## 5. 你的优化器走一遍山谷
#
# 你的 `momentum_step` 就是完整的一步优化。用第 6 课的循环来驱动它，再把它的路径和 `torch.optim.SGD` 的比较一下：

# %%
p = torch.tensor(START, requires_grad=True)
velocity = torch.zeros(2)
mine = [p.detach().clone()]
for _ in range(STEPS):
    p.grad = None  # zero_grad
    f(p).backward()
    momentum_step([p], [velocity], LR, 0.5)
    mine.append(p.detach().clone())
mine = torch.stack(mine)
torch_path, _ = sgd_descent(LR, 0.5)
print(helper.tr(en="largest difference from torch.optim.SGD:", zh="与 torch.optim.SGD 的最大差距："), f"{(mine - torch_path).abs().max().item():.1e}")
print(helper.tr(en="final point", zh="终点"), f"({mine[-1, 0]:+.2e}, {mine[-1, 1]:+.2e}), f = {f(mine[-1]):.1e}")

# %% [markdown] lang="en"
# ## Summary
#
# * In a narrow valley the steep direction limits the learning rate (on our bowl plain descent
#   diverges for lr > 1 and oscillates at lr = 1), and the flat direction then crawls.
# * Momentum keeps a velocity, $v \leftarrow \mu v + g$, $p \leftarrow p - \text{lr}\cdot v$:
#   gradients that keep their sign add up (up to $1/(1-\mu)$ times), alternating ones cancel.
# * $\mu$ and the learning rate work together: the long-run step is about $\text{lr}/(1-\mu)$ times
#   the gradient.
# * `torch.optim.SGD(momentum=μ)` keeps one momentum buffer per parameter and updates parameters in
#   place; the form $u \leftarrow \mu u - \text{lr}\cdot g$ takes the same steps only while the
#   learning rate is constant.

# %% [markdown] lang="zh"
# ## 小结
#
# * 在狭长的山谷里，陡峭的方向限制了学习率（在我们的碗上，lr > 1 时普通梯度下降发散，lr = 1 时来回震荡），平缓的方向于是只能慢慢爬。
# * 动量维护一个速度：$v \leftarrow \mu v + g$，$p \leftarrow p - \text{lr}\cdot v$。符号一致的梯度不断累加（最多放大到 $1/(1-\mu)$ 倍），符号交替的梯度相互抵消。
# * $\mu$ 和学习率要配合着选：长期来看，步长约为梯度的 $\text{lr}/(1-\mu)$ 倍。
# * `torch.optim.SGD(momentum=μ)` 为每个参数保存一个动量缓冲区，并原地更新参数；$u \leftarrow \mu u - \text{lr}\cdot g$ 这种写法只有在学习率不变时才走出同样的步子。

# %% [markdown] lang="en" answers=true
# ### Answers to the questions (for the instructor)
#
# 1. Yes. Across the valley the velocity settles near $g/(1+\mu)$, so the effective step there is
#    smaller, and the steep direction stays stable for $2\,\text{lr} < 2(1 + \mu)$, that is lr < 1.5
#    for $\mu = 0.5$. `momentum_descent(1.2, 0.5)` converges: after 40 steps it is within $10^{-5}$
#    of the minimum.
# 2. Shorter: $v_t = g\,(1 - \mu^t)/(1 - \mu)$, so the first step is only $\text{lr}\cdot g$, a
#    tenth of the long-run step for $\mu = 0.9$. That is a built-in warm-up: no huge first steps
#    before the velocity has found a direction that the gradients agree on.
# 3. No. PyTorch's form multiplies the whole velocity by the *current* learning rate, while $u$
#    still carries the past steps made with the old, larger learning rates. After each decrease, $u$
#    keeps taking larger steps than PyTorch's form; the two agree only while the learning rate is
#    constant.

# %% [markdown] lang="zh" answers=true
# ### 思考题参考答案（供教师使用）
#
# 1. 会。横穿山谷的方向上，速度稳定在 $g/(1+\mu)$ 附近，那里的有效步长变小了，陡峭方向保持稳定的条件变成 $2\,\text{lr} < 2(1 + \mu)$，当 $\mu = 0.5$ 时就是 lr < 1.5。`momentum_descent(1.2, 0.5)` 会收敛：40 步之后离最小值不到 $10^{-5}$。
# 2. 更短：$v_t = g\,(1 - \mu^t)/(1 - \mu)$，所以第一步只有 $\text{lr}\cdot g$，当 $\mu = 0.9$ 时只是长期步长的十分之一。这相当于自带的预热：在速度找到梯度一致认可的方向之前，不会一上来就迈出大步。
# 3. 不会。PyTorch 的写法用*当前*的学习率乘以整个速度，而 $u$ 里还带着用以前那些更大的学习率走过的步子。每次学习率降低之后，$u$ 的步子都比 PyTorch 的写法大；只有学习率保持不变时，两者才一致。

# %% [markdown] lang="en"
# ## Questions to think about
#
# 1. On the bowl, plain gradient descent diverges for lr > 1 (and oscillates for ever at lr = 1). Run `momentum_descent(1.2, 0.5)`: does
#    momentum change where the limit is? (Hint: across the valley the velocity is about $g/(1+\mu)$.)
# 2. The velocity starts at zero. For the first few steps, is the step with momentum longer or
#    shorter than its long-run length $\text{lr}\cdot g/(1-\mu)$? Why might that be a good thing?
# 3. In lesson 6 the learning rate shrank every epoch (a cosine schedule). Would the other form,
#    $u \leftarrow \mu u - \text{lr}\cdot g$, have taken the same steps there?
#
# **Next:** mini-batches. The gradients of a real training loop come from small random batches; we
# look at how big they should be, and at `TensorDataset` and `DataLoader` in detail.

# %% [markdown] lang="zh"
# ## 思考题
#
# 1. 在这个碗上，当 lr > 1 时普通梯度下降会发散（lr = 1 时则永远震荡下去）。运行 `momentum_descent(1.2, 0.5)` 试试：动量会改变这个上限吗？
#    （提示：横穿山谷时，速度大约是 $g/(1+\mu)$。）
# 2. 速度从 0 开始。在最初几步，带动量的步长比它的长期步长 $\text{lr}\cdot g/(1-\mu)$ 长还是短？为什么这可能是件好事？
# 3. 第 6 课中学习率每个轮次都在减小（余弦调度）。如果用另一种写法 $u \leftarrow \mu u - \text{lr}\cdot g$，
#    走出的每一步还会一样吗？
#
# **下一课：** 小批量。真实训练循环中的梯度来自随机抽取的小批量数据；我们会讨论批量该取多大，
# 并详细介绍 `TensorDataset` 和 `DataLoader`。
